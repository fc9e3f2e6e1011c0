package com.moa.gateway;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit through the gateway: every route (to a stand-in service)
 * and the gateway's own endpoints. The gateway passes bodies and query values on for the
 * services to validate (each service runs the kit itself); what it must never do is
 * answer with a 5xx, or refuse anything with something other than problem JSON.
 */
class HostileInputIntegrationTests extends AbstractGatewayIntegrationTest {

	@Test
	void noRouteAnswersHostileInputWithA5xx() {
		String consumer = TestBackend.SIGNER.token("CONSUMER");
		String seller = TestBackend.SIGNER.token("SELLER");
		List<Endpoint> endpoints = List.of(
				new Endpoint("GET", "/api/products", Map.of(),
						Map.of("q", String.class, "page", Integer.class, "size", Integer.class), List.of(), null),
				new Endpoint("GET", "/api/products/{id}", Map.of("id", UUID.class), Map.of(), List.of(), null),
				new Endpoint("POST", "/api/auth/signup", Map.of(), Map.of(), List.of(), """
						{"email":"a@example.com","password":"correct horse","name":"민아","role":"CONSUMER"}"""),
				new Endpoint("POST", "/api/seller/products", Map.of(), Map.of(), List.of("If-Match"),
						"""
								{"title":"t","description":"d","category":"BOOKS","plans":[{"name":"p","billingPeriod":"MONTHLY","price":1}],"terms":"x"}"""),
				new Endpoint("POST", "/api/subscriptions", Map.of(), Map.of(), List.of("Idempotency-Key"),
						"""
								{"productId":"%s","planId":"%s","paymentMethod":{"token":"tok_ok"}}"""
							.formatted(UUID.randomUUID(), UUID.randomUUID())),
				new Endpoint("GET", "/api/chat/rooms/{id}/messages", Map.of("id", UUID.class),
						Map.of("before", Long.class, "limit", Integer.class), List.of(), null),
				Endpoint.of("GET", "/actuator/health"), Endpoint.of("GET", "/v3/api-docs/swagger-config"));
		HostileInputs kit = HostileInputs.against(this.port)
			.forwardingProxy()
			.headers((endpoint) -> List
				.of("Authorization: Bearer " + (endpoint.path().startsWith("/api/seller") ? seller : consumer)));
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(300);
	}

}
