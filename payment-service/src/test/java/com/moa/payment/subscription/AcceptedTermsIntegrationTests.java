package com.moa.payment.subscription;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.TestEventQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The terms version the app showed ({@code termsVersion} of the purchase): stored with
 * the subscription, carried by its events as {@code acceptedTermsVersion}, validated, and
 * part of the body an {@code Idempotency-Key} is bound to.
 */
class AcceptedTermsIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Test
	void theTermsVersionTheAppShowedIsStoredAndEverySubscriptionEventCarriesIt() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit, "payment-tests.accepted-terms-events",
				"subscription.*");
		Product product = product(9900);
		String token = consumer();

		MvcTestResult result = subscribe(token, UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok",
				"2");

		assertThat(result).hasStatus(201);
		String id = read(result, "$.id");
		assertThat(acceptedTermsVersion(id)).isEqualTo(2);
		JsonNode activated = events.receiveEnvelope("subscription.activated", id).get("data");
		assertThat(activated.path("acceptedTermsVersion").isIntegralNumber()).isTrue();
		assertThat(activated.path("acceptedTermsVersion").asInt()).isEqualTo(2);
		// Fixed at purchase: every later state carries it too.
		assertThat(post("/api/subscriptions/" + id + "/cancel", "{\"atPeriodEnd\":true}", token)).hasStatusOk();
		assertThat(events.receiveEnvelope("subscription.canceled", id).get("data").path("acceptedTermsVersion").asInt())
			.isEqualTo(2);

		// An app that does not say: unknown, and the events say so.
		String unknown = read(
				subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok", null),
				"$.id");
		assertThat(acceptedTermsVersion(unknown)).isNull();
		JsonNode unknownActivated = events.receiveEnvelope("subscription.activated", unknown).get("data");
		assertThat(unknownActivated.path("acceptedTermsVersion").isNull()
				|| unknownActivated.path("acceptedTermsVersion").isMissingNode())
			.isTrue();
	}

	@Test
	void theTermsVersionIsAPositiveWholeNumberWithinTheEventsLimit() {
		Product product = product(3000);
		EventContract.FieldLimit limit = EventContract.limit("subscription.activated", "acceptedTermsVersion");
		for (String invalid : new String[] { "0", "-1", "\"x\"", "1.5", "\"1\"", "true", "[1]",
				String.valueOf(limit.max() + 1), "1e3" }) {
			assertThat(subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok",
					invalid))
				.as(invalid)
				.hasStatus(400)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.extractingPath("$.errors[0].field")
				.isEqualTo("termsVersion");
		}
		for (long valid : new long[] { limit.min(), limit.max() }) {
			String id = read(subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan,
					"tok_ok", String.valueOf(valid)), "$.id");
			assertThat(acceptedTermsVersion(id)).isEqualTo((int) valid);
		}
		// Explicitly unknown is the same as not sent.
		String id = read(
				subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok", "null"),
				"$.id");
		assertThat(acceptedTermsVersion(id)).isNull();
	}

	/**
	 * Too high a version (an app bug) would silence the subscription's terms notices for
	 * good: it is stored as at most the product's latest known here, and as sent while
	 * that is not known.
	 */
	@Test
	void theAcceptedVersionIsAtMostTheProductsLatestKnownOne() {
		Product product = product(12000);
		String unknown = read(
				subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok", "99"),
				"$.id");
		product.termsVersion = 3;
		product.version = 2;
		publish(product);

		String tooHigh = read(
				subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok", "99"),
				"$.id");
		String older = read(
				subscribe(consumer(), UUID.randomUUID().toString(), product.id, product.monthlyPlan, "tok_ok", "2"),
				"$.id");

		assertThat(acceptedTermsVersion(unknown)).isEqualTo(99);
		assertThat(acceptedTermsVersion(tooHigh)).isEqualTo(3);
		assertThat(acceptedTermsVersion(older)).isEqualTo(2);
	}

	@Test
	void anIdempotencyKeyIsBoundToTheTermsVersionItWasUsedWith() {
		Product product = product(12000);
		String token = consumer();
		String key = UUID.randomUUID().toString();
		MvcTestResult first = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok", "1");
		assertThat(first).hasStatus(201);

		MvcTestResult again = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok", "1");

		assertThat(again).hasStatus(201).hasHeader("Idempotent-Replayed", "true");
		assertThat(body(again)).isEqualTo(body(first));
		for (String other : new String[] { "2", null }) {
			assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok", other))
				.as(String.valueOf(other))
				.hasStatus(422)
				.bodyJson()
				.extractingPath("$.type")
				.isEqualTo("https://moa-subscribe.com/problems/idempotency-key-reused");
		}
		assertThat(charges(read(first, "$.id"))).hasSize(1);

		// A key first used without it is stored as before the field existed (the hash of
		// productId|planId|token), and replays with or without it: a previous release,
		// running beside this one in a rolling update, ignores the field and stores that
		// hash for the same purchase.
		Product another = product(12000);
		String other = UUID.randomUUID().toString();
		MvcTestResult without = subscribe(token, other, another.id, another.monthlyPlan, "tok_ok", null);
		assertThat(without).hasStatus(201);
		assertThat(this.jdbc.sql("SELECT request_hash FROM idempotency_keys WHERE key = ?")
			.param(other)
			.query(String.class)
			.single()).isEqualTo(sha256(another.id + "|" + another.monthlyPlan + "|tok_ok"));
		for (String version : new String[] { "1", null }) {
			assertThat(subscribe(token, other, another.id, another.monthlyPlan, "tok_ok", version))
				.as(String.valueOf(version))
				.hasStatus(201)
				.hasHeader("Idempotent-Replayed", "true");
		}
		assertThat(subscribe(token, other, another.id, another.yearlyPlan, "tok_ok", "1")).hasStatus(422);
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Integer acceptedTermsVersion(String subscriptionId) {
		return this.jdbc.sql("SELECT accepted_terms_version FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(subscriptionId))
			.query((rs, n) -> rs.getObject(1, Integer.class))
			.list()
			.get(0);
	}

}
