package com.moa.payment.subscription;

import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer only ever sees and changes its own subscriptions and payments: another
 * user's are 404 on every operation, exactly like ones that do not exist.
 */
class OwnershipIntegrationTests extends PaymentIntegrationTestSupport {

	@Test
	void anotherUsersSubscriptionIs404OnEveryOperation() {
		Product product = product(4000);
		String owner = consumer();
		String id = subscribed(owner, product, product.monthlyPlan);
		String stranger = consumer();
		String path = "/api/subscriptions/" + id;

		assertThat(get(path, stranger)).hasStatus(404);
		assertThat(post(path + "/cancel", "{\"atPeriodEnd\":false}", stranger)).hasStatus(404);
		assertThat(post(path + "/resume", "{}", stranger)).hasStatus(404);
		assertThat(post(path + "/change-plan", "{\"planId\":\"" + product.premiumPlan + "\"}", stranger))
			.hasStatus(404);
		assertThat(put(path + "/payment-method", "{\"paymentMethod\":{\"token\":\"tok_ok\"}}", stranger))
			.hasStatus(404);
		assertThat(get("/api/subscriptions", stranger)).bodyJson().extractingPath("$.length()").isEqualTo(0);
		assertThat(get("/api/payments", stranger)).bodyJson().extractingPath("$.totalElements").isEqualTo(0);
		assertThat(get("/api/subscriptions/" + UUID.randomUUID(), stranger)).hasStatus(404);
		assertThat(read(get(path, owner), "$.status").toString()).isEqualTo("ACTIVE");
	}

	@Test
	void withoutATokenEverythingIs401() {
		assertThat(this.mvc.get().uri("/api/subscriptions")).hasStatus(401);
		assertThat(this.mvc.get().uri("/api/payments")).hasStatus(401);
	}

	@Test
	void theTestClockIsForOperatorsOnly() {
		assertThat(this.mvc.get().uri("/internal/test-clock").header("Authorization", "Bearer " + consumer()))
			.hasStatus(401);
		assertThat(this.mvc.post()
			.uri("/internal/test-clock/advance")
			.header("X-Operator-Key", OPERATOR_KEY)
			.contentType("application/json")
			.content("{\"duration\":\"-P1D\"}")).hasStatus(400);
	}

}
