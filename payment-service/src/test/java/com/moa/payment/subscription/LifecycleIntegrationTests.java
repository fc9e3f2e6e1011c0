package com.moa.payment.subscription;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.platform.testing.TestEventQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole life of a subscription, driven by the test clock: renewal, dunning to expiry,
 * recovery by a new payment method, cancel now or at the period end, resume, upgrade with
 * proration, downgrade at the period end, products that stop selling, renewal notices.
 */
class LifecycleIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Test
	void renewsAtThePeriodEndOncePerPeriodEvenAcrossTwoMissedPeriods() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit,
				"payment-tests.renewal-" + UUID.randomUUID(), "subscription.renewed");
		Product product = product(9900);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		MvcTestResult bought = get("/api/subscriptions/" + id, token);
		Instant anchor = Instant.parse(read(bought, "$.currentPeriodStart"));
		Instant firstEnd = Instant.parse(read(bought, "$.currentPeriodEnd"));

		advance("P31D");

		MvcTestResult renewed = get("/api/subscriptions/" + id, token);
		assertThat(read(renewed, "$.status").toString()).isEqualTo("ACTIVE");
		assertThat(Instant.parse(read(renewed, "$.currentPeriodStart"))).isEqualTo(firstEnd);
		assertThat(Instant.parse(read(renewed, "$.currentPeriodEnd")))
			.isEqualTo(anchor.atZone(billingZone()).plusMonths(2).toInstant());
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 9900", "RENEWAL SUCCEEDED 9900");
		assertThat(events.receiveEnvelope("subscription.renewed", id).get("data").get("paymentId").asString())
			.isNotBlank();

		// Down for two months: each missed period is charged once when billing runs
		// again.
		advance("P62D");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 9900", "RENEWAL SUCCEEDED 9900",
				"RENEWAL SUCCEEDED 9900", "RENEWAL SUCCEEDED 9900");
		assertThat(providerCharges(id)).isEqualTo(4);
		advance("PT1H");
		assertThat(charges(id)).hasSize(4);
	}

	@Test
	void periodsBoughtOnThe31stEndOnTheLastDayOfShortMonthsAndReturnToThe31st() {
		ZonedDateTime now = now().atZone(billingZone());
		ZonedDateTime the31st = now.plusDays(1);
		while (the31st.getDayOfMonth() != 31) {
			the31st = the31st.plusDays(1);
		}
		advance(Duration.between(now, the31st).toString());
		Product product = product(5000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		ZonedDateTime anchor = Instant.parse(read(get("/api/subscriptions/" + id, token), "$.currentPeriodStart"))
			.atZone(billingZone());
		assertThat(anchor.getDayOfMonth()).isEqualTo(31);

		// No three months in a row have 31 days: these renewals cross a short one.
		for (int renewal = 1; renewal <= 3; renewal++) {
			Instant end = Instant.parse(read(get("/api/subscriptions/" + id, token), "$.currentPeriodEnd"));
			advance(Duration.between(now(), end).plusMinutes(1).toString());
			MvcTestResult renewed = get("/api/subscriptions/" + id, token);
			assertThat(Instant.parse(read(renewed, "$.currentPeriodStart"))).isEqualTo(end);
			assertThat(Instant.parse(read(renewed, "$.currentPeriodEnd")))
				.isEqualTo(anchor.plusMonths(renewal + 1).toInstant());
		}
		assertThat(charges(id)).hasSize(4);
	}

	/**
	 * A subscription whose anchor does not lead to its period's start (periods counted in
	 * UTC months before the billing time zone, or another instance's older arithmetic)
	 * counts from that start at its renewal: a whole month, not the few days to the
	 * anchor's next day in the billing time zone.
	 */
	@Test
	void aRenewalOffItsAnchorsScheduleCountsAWholeMonthFromItsStart() {
		Product product = product(6000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		MvcTestResult bought = get("/api/subscriptions/" + id, token);
		Instant start = Instant.parse(read(bought, "$.currentPeriodStart"));
		Instant end = Instant.parse(read(bought, "$.currentPeriodEnd"));
		// Its next period from this anchor would end ten days after the renewal.
		Instant offSchedule = start.minus(Duration.ofDays(20));
		this.jdbc.sql("UPDATE subscriptions SET billing_anchor = ? WHERE id = ?")
			.params(java.sql.Timestamp.from(offSchedule), UUID.fromString(id))
			.update();

		advance(Duration.between(now(), end).plusMinutes(1).toString());

		MvcTestResult renewed = get("/api/subscriptions/" + id, token);
		assertThat(Instant.parse(read(renewed, "$.currentPeriodStart"))).isEqualTo(end);
		assertThat(Instant.parse(read(renewed, "$.currentPeriodEnd")))
			.isEqualTo(end.atZone(billingZone()).plusMonths(1).toInstant());
		assertThat(this.jdbc.sql("SELECT billing_anchor FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(id))
			.query(java.time.OffsetDateTime.class)
			.single()
			.toInstant()).isEqualTo(end);
	}

	@Test
	void aFreePlanIsBoughtAndRenewedWithoutAskingTheProviderToChargeNothing() {
		Product product = product(0);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);

		advance("P31D");

		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("ACTIVE");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 0", "RENEWAL SUCCEEDED 0");
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM sandbox_charges c JOIN payments p ON p.id = c.idempotency_key
				WHERE p.subscription_id = ?""").param(UUID.fromString(id)).query(Integer.class).single())
			.as("charges sent to the provider")
			.isZero();
	}

	@Test
	void aDeclinedRenewalGoesPastDueIsRetriedByDunningAndExpires() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit,
				"payment-tests.dunning-" + UUID.randomUUID(), "subscription.past-due", "subscription.expired",
				"payment.failed");
		Product product = product(5000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		assertThat(put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token))
			.hasStatusOk();

		advance("P31D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		JsonNode pastDue = events.receiveEnvelope("subscription.past-due", id).get("data");
		assertThat(pastDue.get("nextRetryAt").asString()).isNotBlank();
		advance("P1D");
		advance("P2D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		advance("P2D");

		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("EXPIRED");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 5000", "RENEWAL FAILED 5000", "RENEWAL FAILED 5000",
				"RENEWAL FAILED 5000", "RENEWAL FAILED 5000");
		assertThat(events.receiveEnvelope("subscription.expired", id)).isNotNull();
		advance("P31D");
		assertThat(charges(id)).hasSize(5);
	}

	/**
	 * A retry that runs days late (the provider or payment-service was down) keeps the
	 * schedule's gap before the next one: not the remaining retries in the same second,
	 * three declines on the card and an expiry with no grace.
	 */
	@Test
	void aLateDunningRetryKeepsTheGapBeforeTheNext() {
		Product product = product(5000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		put("/api/subscriptions/" + id + "/payment-method", "{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token);
		advance("P31D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");

		// Every retry's time (1, 3 and 5 days after falling due) has passed.
		advance("P6D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 5000", "RENEWAL FAILED 5000", "RENEWAL FAILED 5000");
		advance("P1D");
		assertThat(charges(id)).hasSize(3);
		advance("P1D");
		assertThat(charges(id)).hasSize(4);
		advance("P2D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("EXPIRED");
		assertThat(charges(id)).hasSize(5);
	}

	@Test
	void aNewPaymentMethodChargesAPastDueSubscriptionAtOnce() {
		Product product = product(6000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_insufficient_funds\"}}", token);
		advance("P31D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");

		assertThat(put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token))
			.hasStatus(402);
		MvcTestResult recovered = put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_ok\"}}", token);

		assertThat(recovered).hasStatusOk();
		assertThat(read(recovered, "$.status").toString()).isEqualTo("ACTIVE");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 6000", "RENEWAL FAILED 6000", "RENEWAL FAILED 6000",
				"RENEWAL SUCCEEDED 6000");
		// Dunning is over: no further retry charges.
		advance("P5D");
		assertThat(charges(id)).hasSize(4);
	}

	@Test
	void cancelAtThePeriodEndKeepsItActiveUntilThenAndResumeUndoesIt() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit,
				"payment-tests.cancel-" + UUID.randomUUID(), "subscription.canceled", "subscription.resumed");
		Product product = product(4000);
		String token = consumer();
		String resumed = subscribed(token, product, product.monthlyPlan);
		Product other = product(4000);
		String canceled = subscribed(token, other, other.monthlyPlan);
		assertThat(post("/api/subscriptions/" + canceled + "/cancel", "{\"atPeriodEnd\":true}", token)).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.status", (v) -> v.assertThat().isEqualTo("ACTIVE"))
			.hasPathSatisfying("$.cancelAtPeriodEnd", (v) -> v.assertThat().isEqualTo(true));
		// Announced now, so the subscriber is told when it ends; asking again changes
		// nothing.
		Instant periodEnd = Instant.parse(read(get("/api/subscriptions/" + canceled, token), "$.currentPeriodEnd"));
		JsonNode asked = events.receiveEnvelope("subscription.canceled", canceled).get("data");
		assertThat(asked.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(asked.get("atPeriodEnd").asBoolean()).isTrue();
		assertThat(Instant.parse(asked.get("effectiveAt").asString())).isEqualTo(periodEnd);
		assertThat(post("/api/subscriptions/" + canceled + "/cancel", "{\"atPeriodEnd\":true}", token)).hasStatusOk();
		post("/api/subscriptions/" + resumed + "/cancel", "{\"atPeriodEnd\":true}", token);
		assertThat(post("/api/subscriptions/" + resumed + "/resume", "{}", token)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.cancelAtPeriodEnd")
			.isEqualTo(false);
		JsonNode announced = events.receiveEnvelope("subscription.canceled", resumed).get("data");
		JsonNode withdrawn = events.receiveEnvelope("subscription.resumed", resumed).get("data");
		assertThat(withdrawn.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(withdrawn.get("version").asLong()).isEqualTo(announced.get("version").asLong() + 1);

		advance("P31D");

		assertThat(read(get("/api/subscriptions/" + canceled, token), "$.status").toString()).isEqualTo("CANCELED");
		JsonNode ended = events.receiveEnvelope("subscription.canceled", canceled).get("data");
		assertThat(ended.get("status").asString()).isEqualTo("CANCELED");
		assertThat(Instant.parse(ended.get("effectiveAt").asString())).isEqualTo(periodEnd);
		assertThat(ended.get("version").asLong()).as("no change in between")
			.isEqualTo(asked.get("version").asLong() + 1);
		assertThat(charges(canceled)).hasSize(1);
		assertThat(read(get("/api/subscriptions/" + resumed, token), "$.status").toString()).isEqualTo("ACTIVE");
		assertThat(charges(resumed)).hasSize(2);
		assertThat(post("/api/subscriptions/" + canceled + "/resume", "{}", token)).hasStatus(409);
	}

	@Test
	void cancelNowEndsItAtOnce() {
		Product product = product(4000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		assertThat(post("/api/subscriptions/" + id + "/cancel", "{\"atPeriodEnd\":false}", token)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.status")
			.isEqualTo("CANCELED");
		assertThat(get("/api/subscriptions?status=ACTIVE", token)).bodyJson().extractingPath("$.length()").isEqualTo(0);
		assertThat(post("/api/subscriptions/" + id + "/cancel", "{\"atPeriodEnd\":false}", token)).hasStatus(409);
		// Gone: subscribing again is allowed.
		subscribed(token, product, product.monthlyPlan);
	}

	@Test
	void anUpgradeTakesEffectNowWithAProratedChargeAndADowngradeAtThePeriodEnd() {
		Product product = product(10000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		MvcTestResult bought = get("/api/subscriptions/" + id, token);
		Instant start = Instant.parse(read(bought, "$.currentPeriodStart"));
		Instant end = Instant.parse(read(bought, "$.currentPeriodEnd"));
		Instant now = advance("P10D");

		MvcTestResult upgraded = post("/api/subscriptions/" + id + "/change-plan",
				"{\"planId\":\"" + product.premiumPlan + "\"}", token);

		assertThat(upgraded).hasStatusOk();
		assertThat(read(upgraded, "$.planId").toString()).isEqualTo(product.premiumPlan.toString());
		assertThat(read(upgraded, "$.price").toString()).isEqualTo("20000");
		long expected = 10000L * Duration.between(now, end).toMillis() / Duration.between(start, end).toMillis();
		String proration = charges(id).get(1);
		assertThat(proration).startsWith("PRORATION SUCCEEDED ");
		long charged = Long.parseLong(proration.substring("PRORATION SUCCEEDED ".length()));
		assertThat(charged).isBetween(expected - 5, expected);

		// Downgrade to the yearly plan (10 × 10,000 / 12 < 20,000 a month): at the period
		// end.
		MvcTestResult downgraded = post("/api/subscriptions/" + id + "/change-plan",
				"{\"planId\":\"" + product.yearlyPlan + "\"}", token);
		assertThat(read(downgraded, "$.pendingPlanId").toString()).isEqualTo(product.yearlyPlan.toString());
		assertThat(read(downgraded, "$.planId").toString()).isEqualTo(product.premiumPlan.toString());
		assertThat(post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.premiumPlan + "\"}",
				token))
			.hasStatusOk()
			.bodyJson()
			.extractingPath("$.pendingPlanId")
			.isNull();
		post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.yearlyPlan + "\"}", token);

		advance("P21D");

		MvcTestResult renewed = get("/api/subscriptions/" + id, token);
		assertThat(read(renewed, "$.planId").toString()).isEqualTo(product.yearlyPlan.toString());
		assertThat(read(renewed, "$.billingPeriod").toString()).isEqualTo("YEARLY");
		assertThat(Instant.parse(read(renewed, "$.currentPeriodEnd")))
			.isEqualTo(start.atZone(billingZone()).plusMonths(13).toInstant());
		assertThat(charges(id).get(2)).isEqualTo("RENEWAL SUCCEEDED 100000");
		assertThat(
				post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.yearlyPlan + "\"}", token))
			.hasStatus(400);
	}

	@Test
	void anUpgradeAfterOneToYearlyIsProratedOverTheCurrentPeriodNotOverAYear() {
		Product product = product(10000);
		// 15,000 a month: the yearly plan is an upgrade from 10,000 monthly.
		product.yearlyPrice = 180_000;
		publish(product.next());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.catalog.find(product.id)
				.flatMap((found) -> found.plan(product.yearlyPlan))
				.map((plan) -> plan.price() == 180_000)
				.orElse(false));
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		MvcTestResult bought = get("/api/subscriptions/" + id, token);
		Instant start = Instant.parse(read(bought, "$.currentPeriodStart"));
		Instant end = Instant.parse(read(bought, "$.currentPeriodEnd"));
		Instant now = advance("P15D");

		assertThat(
				post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.yearlyPlan + "\"}", token))
			.hasStatusOk();
		MvcTestResult premium = post("/api/subscriptions/" + id + "/change-plan",
				"{\"planId\":\"" + product.premiumPlan + "\"}", token);

		assertThat(premium).hasStatusOk();
		assertThat(read(premium, "$.currentPeriodEnd").toString()).isEqualTo(end.toString());
		// 20,000 − 15,000 a month over the rest of the one-month period the yearly plan
		// took over (about 2,500), not over twelve months (about 30,000).
		long expected = 5000L * Duration.between(now, end).toMillis() / Duration.between(start, end).toMillis();
		assertThat(charges(id)).hasSize(3);
		String proration = charges(id).get(2);
		assertThat(proration).startsWith("PRORATION SUCCEEDED ");
		assertThat(Long.parseLong(proration.substring("PRORATION SUCCEEDED ".length()))).isBetween(expected - 5,
				expected);
	}

	@Test
	void aRenewalGivesASubscriptionWithoutABillingAnchorOne() {
		Product product = product(4500);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		Instant start = Instant.parse(read(get("/api/subscriptions/" + id, token), "$.currentPeriodStart"));
		// As if activated before anchors were stored, or by an older instance.
		this.jdbc.sql("UPDATE subscriptions SET billing_anchor = NULL WHERE id = ?")
			.param(UUID.fromString(id))
			.update();

		advance("P31D");

		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 4500", "RENEWAL SUCCEEDED 4500");
		assertThat(this.jdbc.sql("SELECT billing_anchor FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(id))
			.query((rs, n) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
			.single()).contains(start);
	}

	@Test
	void aDeclinedUpgradeChangesNothing() {
		Product product = product(10000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		put("/api/subscriptions/" + id + "/payment-method", "{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token);

		assertThat(post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.premiumPlan + "\"}",
				token))
			.hasStatus(402);
		assertThat(read(get("/api/subscriptions/" + id, token), "$.planId").toString())
			.isEqualTo(product.monthlyPlan.toString());
	}

	@Test
	void subscriptionsOfAProductThatStopsSellingRunToThePeriodEndAndExpire() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit,
				"payment-tests.expired-" + UUID.randomUUID(), "subscription.expired");
		Product product = product(3000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		Instant end = Instant.parse(read(get("/api/subscriptions/" + id, token), "$.currentPeriodEnd"));
		product.status = "UNPUBLISHED";
		publish(product.next());
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("ACTIVE");
		// Still there, so not a 404: it just takes no plan change.
		assertThat(post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.premiumPlan + "\"}",
				token))
			.hasStatus(409)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/product-not-sellable");

		// Processed days after the period end (payment-service was down): it still ended
		// then, which is what the seller dashboard and the mail say.
		advance("P35D");

		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("EXPIRED");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 3000");
		assertThat(events.receiveEnvelope("subscription.expired", id).get("data").get("effectiveAt").asString())
			.isEqualTo(end.toString());
	}

	/**
	 * Three days ahead, once; a plan change after the notice changes what the renewal
	 * will charge, so it is announced again with the new price (it was charged without a
	 * word), once.
	 */
	@Test
	void announcesEachRenewalThreeDaysAheadAndAgainWhenAPlanChangeChangesItsPrice() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit,
				"payment-tests.notice-" + UUID.randomUUID(), "subscription.renewal-upcoming");
		Product product = product(2000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		Instant end = Instant.parse(read(get("/api/subscriptions/" + id, token), "$.currentPeriodEnd"));

		advance("P28D");

		JsonNode notice = events.receiveEnvelope("subscription.renewal-upcoming", id).get("data");
		assertThat(notice.get("renewsAt").asString()).isEqualTo(end.toString());
		assertThat(notice.get("price").asLong()).isEqualTo(2000);
		advance("PT1H");
		assertThat(this.jdbc.sql("SELECT renewal_notice_for FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(id))
			.query(java.time.OffsetDateTime.class)
			.single()
			.toInstant()).isEqualTo(end);

		// To the yearly plan at the period end: 20,000 is charged then.
		assertThat(
				post("/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.yearlyPlan + "\"}", token))
			.hasStatusOk();
		advance("PT1H");

		JsonNode again = events.receiveEnvelope("subscription.renewal-upcoming", id).get("data");
		assertThat(again.get("renewsAt").asString()).isEqualTo(end.toString());
		assertThat(again.get("renewalPrice").asLong()).isEqualTo(20000);
		advance("PT1H");
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM event_outbox
				WHERE type = 'subscription.renewal-upcoming' AND envelope LIKE ?""")
			.param("%\"subject\":\"" + id + "\"%")
			.query(Integer.class)
			.single()).isEqualTo(2);
	}

}
