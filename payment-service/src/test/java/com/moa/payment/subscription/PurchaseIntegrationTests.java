package com.moa.payment.subscription;

import java.time.Instant;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.platform.testing.TestEventQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Buying a subscription: the first charge, the idempotency key's replays and refusals,
 * declines, an unavailable provider, and what the catalog snapshot allows.
 */
class PurchaseIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Test
	void subscribingChargesOnceAndAnswersTheSubscriptionWithItsEvents() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit, "payment-tests.purchase-events",
				"subscription.*", "payment.*");
		Product product = product(9900);
		String token = consumer();
		Instant now = now();

		MvcTestResult result = subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan,
				"tok_ok");

		assertThat(result).hasStatus(201).hasContentType(MediaType.APPLICATION_JSON);
		String id = read(result, "$.id");
		assertThat(result.getResponse().getHeader("Location")).isEqualTo("/api/subscriptions/" + id);
		assertThat(result).bodyJson()
			.hasPathSatisfying("$.status", (v) -> v.assertThat().isEqualTo("ACTIVE"))
			.hasPathSatisfying("$.productTitle", (v) -> v.assertThat().isEqualTo(product.title))
			.hasPathSatisfying("$.planName", (v) -> v.assertThat().isEqualTo("Monthly"))
			.hasPathSatisfying("$.price", (v) -> v.assertThat().isEqualTo(9900))
			.hasPathSatisfying("$.currency", (v) -> v.assertThat().isEqualTo("KRW"))
			.hasPathSatisfying("$.billingPeriod", (v) -> v.assertThat().isEqualTo("MONTHLY"))
			.hasPathSatisfying("$.cancelAtPeriodEnd", (v) -> v.assertThat().isEqualTo(false));
		Instant start = Instant.parse(read(result, "$.currentPeriodStart"));
		Instant end = Instant.parse(read(result, "$.currentPeriodEnd"));
		assertThat(start).isBetween(now, now.plusSeconds(60));
		assertThat(end).isEqualTo(start.atZone(billingZone()).plusMonths(1).toInstant());
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 9900");
		assertThat(providerCharges(id)).isEqualTo(1);
		assertThat(get("/api/subscriptions/" + id, token)).hasStatusOk();
		assertThat(get("/api/payments", token)).bodyJson()
			.hasPathSatisfying("$.content[0].status", (v) -> v.assertThat().isEqualTo("SUCCEEDED"))
			.hasPathSatisfying("$.content[0].subscriptionId", (v) -> v.assertThat().isEqualTo(id));

		JsonNode activated = events.receiveEnvelope("subscription.activated", id).get("data");
		assertThat(activated.get("sellerId").asString()).isEqualTo(product.sellerId.toString());
		assertThat(activated.get("price").asLong()).isEqualTo(9900);
		assertThat(activated.get("billingPeriod").asString()).isEqualTo("MONTHLY");
		assertThat(activated.get("currentPeriodEnd").asString()).isEqualTo(end.toString());
		String paymentId = read(get("/api/payments", token), "$.content[0].id");
		assertThat(events.receiveEnvelope("payment.succeeded", paymentId).get("data").get("amount").asLong())
			.isEqualTo(9900);
	}

	@Test
	void theSameKeyAndBodyReplayTheStoredAnswerAndAnotherBodyIs422() {
		Product product = product(12000);
		String token = consumer();
		String key = UUID.randomUUID().toString();
		MvcTestResult first = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");

		MvcTestResult again = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");

		assertThat(again).hasStatus(201).hasHeader("Idempotent-Replayed", "true");
		assertThat(body(again)).isEqualTo(body(first));
		assertThat(first.getResponse().getHeader("Idempotent-Replayed")).isNull();
		assertThat(charges(read(first, "$.id"))).hasSize(1);
		assertThat(subscribe(token, key, product.id, product.yearlyPlan, "tok_ok")).hasStatus(422)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/idempotency-key-reused");
		// Keys are per user: another user's identical key is a request of its own.
		assertThat(subscribe(consumer(), key, product.id, product.monthlyPlan, "tok_ok")).hasStatus(201);
	}

	@Test
	void aSecondLiveSubscriptionToTheProductIs409() {
		Product product = product(5000);
		String token = consumer();
		subscribed(token, product, product.monthlyPlan);
		assertThat(subscribe(token, UUID.randomUUID().toString(), product.id, product.yearlyPlan, "tok_ok"))
			.hasStatus(409)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/already-subscribed");
	}

	@Test
	void aPurchaseMetByAnotherStillBeingChargedIsRetryableAndItsKeyStaysFree() {
		Product product = product(5500);
		UUID user = UUID.randomUUID();
		String token = signer.token(user, "CONSUMER");
		UUID charging = UUID.randomUUID();
		// Another key's purchase of the product, between its record and its charge.
		this.jdbc.sql("""
				INSERT INTO subscriptions (id, user_id, product_id, seller_id, product_title, plan_id, plan_name,
				    billing_period, price, currency, status, payment_token, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'Box', ?, 'Monthly', 'MONTHLY', 5500, 'KRW', 'PENDING', 'tok_declined', now(),
				    now())""").params(charging, user, product.id, product.sellerId, product.monthlyPlan).update();
		String key = UUID.randomUUID().toString();

		MvcTestResult blocked = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");

		assertThat(blocked).hasStatus(409).hasHeader("Retry-After", "2");
		assertThat(read(blocked, "$.type").toString())
			.isEqualTo("https://moa-subscribe.com/problems/charge-in-progress");
		// That purchase is declined: the retry with the same key buys, instead of
		// replaying
		// a 409 for a day.
		this.jdbc.sql("UPDATE subscriptions SET status = 'FAILED' WHERE id = ?").param(charging).update();
		MvcTestResult retried = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");
		assertThat(retried).hasStatus(201);
		assertThat(retried.getResponse().getHeader("Idempotent-Replayed")).isNull();
		assertThat(subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok"))
			.hasStatus(409)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/already-subscribed");
	}

	@Test
	void aProductTheCatalogCopyDoesNotSellYetIs404AndTheKeyStaysFree() {
		Product product = product(4500);
		product.status = "UNPUBLISHED";
		publish(product.next());
		String token = consumer();
		String key = UUID.randomUUID().toString();
		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok")).hasStatus(404);

		// The seller's publish reaches payment's copy; the app retries with its key.
		product.status = "PUBLISHED";
		publish(product.next());
		MvcTestResult retried = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");

		assertThat(retried).hasStatus(201);
		assertThat(retried.getResponse().getHeader("Idempotent-Replayed")).isNull();
	}

	@Test
	void aDeclinedFirstChargeIs402WithAFailedPaymentAndNoSubscription() {
		Product product = product(7000);
		String token = consumer();
		String key = UUID.randomUUID().toString();

		MvcTestResult declined = subscribe(token, key, product.id, product.monthlyPlan, "tok_declined");

		assertThat(declined).hasStatus(402).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(read(declined, "$.type").toString()).isEqualTo("https://moa-subscribe.com/problems/card-declined");
		assertThat(get("/api/subscriptions", token)).bodyJson().extractingPath("$.length()").isEqualTo(0);
		assertThat(get("/api/payments", token)).bodyJson()
			.hasPathSatisfying("$.content[0].status", (v) -> v.assertThat().isEqualTo("FAILED"))
			.hasPathSatisfying("$.content[0].failureReason", (v) -> v.assertThat().isEqualTo("card-declined"));
		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_declined")).hasStatus(402)
			.hasHeader("Idempotent-Replayed", "true");
		assertThat(read(subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan,
				"tok_insufficient_funds"), "$.type")
			.toString()).isEqualTo("https://moa-subscribe.com/problems/insufficient-funds");
		// A declined purchase leaves nothing in the way of a new attempt.
		assertThat(subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok"))
			.hasStatus(201);
	}

	@Test
	void anUnavailableProviderIs503AndTheKeyMayBeRetried() {
		Product product = product(8000);
		String token = consumer();
		String key = UUID.randomUUID().toString();

		MvcTestResult unavailable = subscribe(token, key, product.id, product.monthlyPlan, "tok_error");

		assertThat(unavailable).hasStatus(503).hasHeader("Retry-After", "5");
		assertThat(read(unavailable, "$.type").toString())
			.isEqualTo("https://moa-subscribe.com/problems/payment-provider-unavailable");
		assertThat(get("/api/subscriptions", token)).bodyJson().extractingPath("$.length()").isEqualTo(0);
		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_error")).hasStatus(503);
		// Nothing was charged: no payment to list, no FAILED one for a subscription that
		// does not exist.
		assertThat(get("/api/payments", token)).bodyJson().extractingPath("$.totalElements").isEqualTo(0);
		// Released, the key serves the corrected request.
		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok")).hasStatus(201);
		assertThat(get("/api/payments", token)).bodyJson()
			.hasPathSatisfying("$.totalElements", (v) -> v.assertThat().isEqualTo(1))
			.hasPathSatisfying("$.content[0].status", (v) -> v.assertThat().isEqualTo("SUCCEEDED"));
	}

	@Test
	void unknownOrUnpublishedProductsAndPlansAre404AndUnknownTokens400() {
		Product product = product(3000);
		String token = consumer();
		assertThat(subscribe(token, UUID.randomUUID().toString(), UUID.randomUUID(), product.monthlyPlan, "tok_ok"))
			.hasStatus(404);
		assertThat(subscribe(token, UUID.randomUUID().toString(), product.id, UUID.randomUUID(), "tok_ok"))
			.hasStatus(404);
		assertThat(subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_unknown"))
			.hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("paymentMethod.token");
		product.status = "UNPUBLISHED";
		publish(product.next());
		assertThat(subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok"))
			.hasStatus(404);
	}

	@Test
	void theIdempotencyKeyIsRequiredAndAtMost255Characters() {
		Product product = product(3000);
		String token = consumer();
		assertThat(this.mvc.post()
			.uri("/api/subscriptions")
			.header("Authorization", "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"productId":"%s","planId":"%s","paymentMethod":{"token":"tok_ok"}}""".formatted(product.id,
					product.monthlyPlan)))
			.hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("Idempotency-Key");
		assertThat(subscribe(token, "k".repeat(256), product.id, product.monthlyPlan, "tok_ok")).hasStatus(400);
		assertThat(subscribe(token, "k".repeat(255), product.id, product.monthlyPlan, "tok_ok")).hasStatus(201);
	}

	@Test
	void thePriceIsFixedAtPurchaseAndLaterPricesApplyToNewSubscriptions() {
		Product product = product(10000);
		String early = consumer();
		String earlyId = subscribed(early, product, product.monthlyPlan);
		product.monthlyPrice = 15000;
		publish(product.next());

		String late = consumer();
		String lateId = subscribed(late, product, product.monthlyPlan);

		assertThat(read(get("/api/subscriptions/" + earlyId, early), "$.price").toString()).isEqualTo("10000");
		assertThat(read(get("/api/subscriptions/" + lateId, late), "$.price").toString()).isEqualTo("15000");
	}

	@Test
	void theCatalogSnapshotIgnoresOlderVersionsAndAppliesRemovalsForGood() {
		Product product = product(4000);
		product.version = 5;
		product.monthlyPrice = 4500;
		publish(product);
		// An older snapshot arriving late changes nothing.
		product.version = 3;
		product.monthlyPrice = 1;
		send("product.upserted", product.id, java.util.Map.of("productId", product.id, "sellerId", product.sellerId,
				"title", "old", "status", "PUBLISHED", "version", 3, "plans", java.util.List.of()));
		send("product.removed", product.id, java.util.Map.of("productId", product.id, "version", 6));
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(() -> this.catalog.find(product.id).orElseThrow().removed());
		assertThat(this.catalog.find(product.id).orElseThrow().title()).isEqualTo(product.title);
		// Removal is final: a newer snapshot does not bring it back.
		send("product.upserted", product.id, java.util.Map.of("productId", product.id, "sellerId", product.sellerId,
				"title", "back", "status", "PUBLISHED", "version", 9, "plans", java.util.List.of()));
		assertThat(subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok"))
			.hasStatus(404);
	}

}
