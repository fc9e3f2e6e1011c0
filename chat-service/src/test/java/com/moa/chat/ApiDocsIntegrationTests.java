package com.moa.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published API document (routed through the gateway as /v3/api-docs/chat) lists the
 * public API, not the operator endpoints under /internal (dead letters).
 */
class ApiDocsIntegrationTests extends ChatIntegrationTestSupport {

	@Test
	void theApiDocumentLeavesOutInternalEndpoints() {
		Response document = send(this.port, "GET", "/v3/api-docs", null, null);

		assertThat(document.status()).isEqualTo(200);
		assertThat(document.body()).contains("/api/chat/rooms").doesNotContain("/internal");
	}

}
