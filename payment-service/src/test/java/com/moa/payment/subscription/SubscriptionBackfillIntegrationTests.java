package com.moa.payment.subscription;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription projection that lost an event or was restored from an older dump
 * (lookup's subscriber counts, the seller dashboard, mail's recipients) gets every
 * visible subscription again from a backfill: a {@code subscription.snapshot} with the
 * current status and version, and nothing for purchases that never went through.
 */
class SubscriptionBackfillIntegrationTests extends PaymentIntegrationTestSupport {

	@Test
	void republishesEveryVisibleSubscriptionAsASnapshotOfItsCurrentState() {
		UUID user = UUID.randomUUID();
		String token = signer.token(user, "CONSUMER");
		Product first = product(3000);
		Product second = product(3100);
		Product third = product(3200);
		String active = subscribed(token, first, first.monthlyPlan);
		String canceled = subscribed(token, second, second.monthlyPlan);
		assertThat(post("/api/subscriptions/" + canceled + "/cancel", "{\"atPeriodEnd\":false}", token)).hasStatusOk();
		assertThat(subscribe(token, UUID.randomUUID().toString(), third.id, third.monthlyPlan, "tok_declined"))
			.hasStatus(402);
		String failed = this.jdbc.sql("SELECT id FROM subscriptions WHERE user_id = ? AND status = 'FAILED'")
			.param(user)
			.query(String.class)
			.single();
		int visible = this.jdbc.sql("SELECT count(*) FROM subscriptions WHERE status NOT IN ('PENDING', 'FAILED')")
			.query(Integer.class)
			.single();
		int before = snapshotCount();

		MvcTestResult result = backfill();

		assertThat(result).hasStatusOk().bodyJson().extractingPath("$.published").isEqualTo(visible);
		assertThat(snapshotCount()).isEqualTo(before + visible);
		assertThat(snapshots(active)).singleElement().satisfies((data) -> isCurrent(data, active, "ACTIVE"));
		assertThat(snapshots(canceled)).singleElement().satisfies((data) -> isCurrent(data, canceled, "CANCELED"));
		assertThat(snapshots(failed)).isEmpty();
		// An ended one says when it ended, as its ending event did; a live one does not.
		Instant canceledAt = Instant
			.parse(events(canceled, "subscription.canceled").get(0).get("effectiveAt").asString());
		assertThat(Instant.parse(snapshots(canceled).get(0).get("effectiveAt").asString()))
			.isEqualTo(canceledAt.truncatedTo(ChronoUnit.MICROS));
		assertThat(snapshots(active).get(0).has("effectiveAt")).isFalse();
	}

	/**
	 * A past-due subscription canceled at once ended then, not at the end of its last
	 * paid period: the snapshot says what the ending event said.
	 */
	@Test
	void aPastDueSubscriptionCanceledAtOnceEndedWhenItWasCanceled() {
		String token = consumer();
		Product product = product(3400);
		String id = subscribed(token, product, product.monthlyPlan);
		assertThat(put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token))
			.hasStatusOk();
		advance("P31D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		advance("PT2H");
		assertThat(post("/api/subscriptions/" + id + "/cancel", "{\"atPeriodEnd\":false}", token)).hasStatusOk();

		assertThat(backfill()).hasStatusOk();

		Instant canceledAt = Instant.parse(events(id, "subscription.canceled").get(0).get("effectiveAt").asString());
		assertThat(Instant.parse(snapshots(id).get(0).get("effectiveAt").asString()))
			.isEqualTo(canceledAt.truncatedTo(ChronoUnit.MICROS));
	}

	@Test
	void runningItAgainOnlyRepeatsTheSameSnapshots() {
		String token = consumer();
		Product product = product(3300);
		String id = subscribed(token, product, product.monthlyPlan);
		assertThat(backfill()).hasStatusOk();

		assertThat(backfill()).hasStatusOk();

		assertThat(snapshots(id)).hasSize(2).allSatisfy((data) -> isCurrent(data, id, "ACTIVE"));
	}

	@Test
	void onlyOperatorsMayRunIt() {
		assertThat(this.mvc.post().uri("/internal/backfill/subscriptions")).hasStatus(401);
		assertThat(this.mvc.post()
			.uri("/internal/backfill/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + consumer())).hasStatus(401);
		assertThat(this.mvc.post().uri("/internal/backfill/subscriptions").header("X-Operator-Key", "wrong-key"))
			.hasStatus(401);
	}

	private MvcTestResult backfill() {
		return this.mvc.post()
			.uri("/internal/backfill/subscriptions")
			.header("X-Operator-Key", OPERATOR_KEY)
			.exchange();
	}

	private void isCurrent(JsonNode data, String id, String status) {
		long version = this.jdbc.sql("SELECT version FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(id))
			.query(Long.class)
			.single();
		assertThat(data.get("subscriptionId").asString()).isEqualTo(id);
		assertThat(data.get("status").asString()).isEqualTo(status);
		assertThat(data.get("version").asLong()).isEqualTo(version);
	}

	private int snapshotCount() {
		return this.jdbc.sql("SELECT count(*) FROM event_outbox WHERE type = 'subscription.snapshot'")
			.query(Integer.class)
			.single();
	}

	/** The data of the subscription's snapshots in the outbox, oldest first. */
	private List<JsonNode> snapshots(String id) {
		return events(id, "subscription.snapshot");
	}

	private List<JsonNode> events(String id, String type) {
		return this.jdbc.sql("""
				SELECT envelope FROM event_outbox
				WHERE type = ? AND CAST(envelope AS jsonb) ->> 'subject' = ?
				ORDER BY seq""")
			.params(type, id)
			.query(String.class)
			.list()
			.stream()
			.map((envelope) -> this.jsonMapper.readTree(envelope).get("data"))
			.toList();
	}

}
