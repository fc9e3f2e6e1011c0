package com.moa.lookup;

import java.util.List;
import java.util.UUID;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import com.moa.platform.testing.RawHttp;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every endpoint of lookup-service, over real HTTP,
 * signed in (so search events are recorded) and with a published product as {@code {id}}:
 * no input gets a 5xx, and every refusal is problem JSON.
 */
class HostileInputIntegrationTests extends LookupIntegrationTestSupport {

	@Autowired
	ApplicationContext context;

	@Test
	void answersNulInTheSearchQueryWith400NamingTheParameter() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/products?q=%00");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.isProblem()).isTrue();
		assertThat(response.text()).contains("\"field\":\"q\"", "must not contain control characters");
	}

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		Product product = product("Hostile target " + uniqueToken());
		publishAndAwait(product);
		String token = signer.token(UUID.randomUUID(), "CONSUMER");
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key)
			.contains("GET /api/products", "GET /api/products/feed", "GET /api/products/{id}", "GET /api/categories");
		HostileInputs kit = HostileInputs.against(this.port)
			.headers(HostileInputs.credentials(token, "dev-operator-key"))
			.pathSample("id", () -> product.id.toString())
			// Valid, so the attacks on q, page and size reach the search.
			.querySample("category", "FITNESS")
			.querySample("sort", "newest")
			.querySample("cursor", "");
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(100);
	}

}
