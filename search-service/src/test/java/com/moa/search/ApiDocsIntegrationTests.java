package com.moa.search;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published API document (routed through the gateway as /v3/api-docs/search) lists
 * the public API, not the operator endpoints under /internal (dead letters).
 */
class ApiDocsIntegrationTests extends SearchIntegrationTestSupport {

	@Test
	void theApiDocumentLeavesOutInternalEndpoints() throws Exception {
		String document = this.mvc.get().uri("/v3/api-docs").exchange().getResponse().getContentAsString();

		assertThat(document).contains("/api/search/popular").doesNotContain("/internal");
	}

}
