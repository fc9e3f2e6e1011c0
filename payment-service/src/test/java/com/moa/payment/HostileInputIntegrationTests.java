package com.moa.payment;

import java.util.List;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every endpoint of payment-service, over real HTTP,
 * with a consumer's token, a real subscription as {@code {id}} and valid purchase bodies:
 * no input gets a 5xx, every refusal is problem JSON.
 */
class HostileInputIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	ApplicationContext context;

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		Product product = product(1500);
		String token = consumer();
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key)
			.contains("POST /api/subscriptions", "GET /api/subscriptions", "GET /api/subscriptions/{id}",
					"POST /api/subscriptions/{id}/cancel", "POST /api/subscriptions/{id}/resume",
					"POST /api/subscriptions/{id}/change-plan", "PUT /api/subscriptions/{id}/payment-method",
					"GET /api/payments", "GET /internal/test-clock", "POST /internal/test-clock/advance",
					"POST /internal/backfill/subscriptions");
		HostileInputs kit = HostileInputs.against(this.port)
			.headers(HostileInputs.credentials(token, OPERATOR_KEY))
			// The caller's own subscription (one per endpoint, each to a product of its
			// own).
			.pathSample("id", () -> {
				Product own = product(1500);
				return subscribed(token, own, own.monthlyPlan);
			})
			.bodySample("POST /api/subscriptions",
					"""
							{"productId":"%s","planId":"%s","paymentMethod":{"token":"tok_ok"},"termsVersion":1}"""
						.formatted(product.id, product.monthlyPlan))
			.bodySample("POST /internal/test-clock/advance", "{\"duration\":\"PT1S\"}");
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(300);
	}

}
