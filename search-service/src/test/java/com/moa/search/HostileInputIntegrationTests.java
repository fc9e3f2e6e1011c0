package com.moa.search;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every endpoint of search-service, over real HTTP
 * with a consumer's token: no input gets a 5xx, every refusal is problem JSON.
 */
class HostileInputIntegrationTests extends SearchIntegrationTestSupport {

	@Autowired
	ApplicationContext context;

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		UUID user = UUID.randomUUID();
		awaitSearch(searched(user, "요가", Instant.now()));
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key)
			.contains("GET /api/search/history", "DELETE /api/search/history/{keyword}", "DELETE /api/search/history",
					"GET /api/search/history/settings", "PUT /api/search/history/settings", "GET /api/search/popular",
					"GET /api/search/suggestions");
		HostileInputs kit = HostileInputs.against(this.port)
			.headers(HostileInputs.credentials(token(user), "dev-operator-key"))
			.pathSample("keyword", () -> "요가")
			.querySample("window", "24h")
			.bodySample("PUT /api/search/history/settings", "{\"enabled\":true}");
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(100);
	}

}
