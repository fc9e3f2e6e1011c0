package com.moa.seller.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.testing.EventContract;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's side of the price limit in docs/events.md: {@code subscription.*} and
 * {@code payment.succeeded} at the largest price (10^12 minor units) and the largest
 * versions are stored unchanged, and the dashboard's sums stay exact, and exact in
 * JavaScript (at most 2^53 - 1), up to the documented bound of about 9,000 subscriptions
 * or payments at that price.
 */
class DashboardEventContractIntegrationTests extends SellerIntegrationTestSupport {

	private static final long MAX_PRICE = EventContract.limit("product.upserted", "plans[].price").max();

	/** JavaScript's {@code Number.MAX_SAFE_INTEGER}. */
	private static final long JS_SAFE = (1L << 53) - 1;

	/** Subscriptions and payments at the largest price the seller already had. */
	private static final int EARLIER = 9_004;

	@Autowired
	JdbcClient jdbc;

	@Test
	void storesTheLargestPricesAndAmountsAndSumsThemExactly() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		String box = createProduct(seller, "Box");
		Instant now = Instant.now();
		// The history up to the documented bound, as the consumer stores it (9,004 events
		// through the broker would take far longer than this test may).
		this.jdbc.sql("""
				INSERT INTO dashboard_subscriptions (subscription_id, seller_id, product_id, status, price,
				    billing_period, currency, version, activated_at)
				SELECT gen_random_uuid(), ?, ?, 'ACTIVE', ?, 'MONTHLY', 'KRW', 1, now()
				FROM generate_series(1, ?)""").params(sellerId, UUID.fromString(kit), MAX_PRICE, EARLIER).update();
		this.jdbc.sql("""
				INSERT INTO dashboard_payments (payment_id, seller_id, product_id, amount, currency, paid_at)
				SELECT gen_random_uuid(), ?, ?, ?, 'KRW', now()
				FROM generate_series(1, ?)""").params(sellerId, UUID.fromString(kit), MAX_PRICE, EARLIER).update();

		UUID newest = UUID.randomUUID();
		subscription(newest, sellerId, kit, "MONTHLY", Long.MAX_VALUE, now);
		subscription(UUID.randomUUID(), sellerId, kit, "YEARLY", 1, now);
		subscription(UUID.randomUUID(), sellerId, box, "MONTHLY", 1, now);
		payment(sellerId, kit, now);
		payment(sellerId, kit, now);
		payment(sellerId, box, now);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("dashboard_subscriptions", sellerId) == EARLIER + 3
					&& count("dashboard_payments", sellerId) == EARLIER + 3);

		assertThat(
				this.jdbc.sql("SELECT price || ' ' || version FROM dashboard_subscriptions WHERE subscription_id = ?")
					.param(newest)
					.query(String.class)
					.single())
			.isEqualTo(MAX_PRICE + " " + Long.MAX_VALUE);
		String dashboard = body(get("/api/seller/dashboard", seller));
		long totalMrr = (EARLIER + 2) * MAX_PRICE + MAX_PRICE / 12;
		assertThat(number(dashboard, "$.totals.activeSubscribers")).isEqualTo(EARLIER + 3);
		assertThat(number(dashboard, "$.totals.monthlyRecurringRevenue")).isEqualTo(totalMrr)
			.isEqualTo(9_006_083_333_333_333L)
			.isLessThanOrEqualTo(JS_SAFE);
		assertThat(number(dashboard, row(kit) + ".monthlyRecurringRevenue"))
			.isEqualTo((EARLIER + 1) * MAX_PRICE + MAX_PRICE / 12);
		assertThat(number(dashboard, row(kit) + ".revenueLast30d")).isEqualTo((EARLIER + 2) * MAX_PRICE);
		assertThat(number(dashboard, row(box) + ".monthlyRecurringRevenue")).isEqualTo(MAX_PRICE);
		assertThat(number(dashboard, row(box) + ".revenueLast30d")).isEqualTo(MAX_PRICE);

		String today = body(get("/api/seller/dashboard/daily?days=1", seller));
		assertThat(JsonPath.<String>read(today, "$[0].date"))
			.isEqualTo(LocalDate.ofInstant(now, ZoneOffset.UTC).toString());
		assertThat(number(today, "$[0].newSubscriptions")).isEqualTo(EARLIER + 3);
		assertThat(number(today, "$[0].revenue")).isEqualTo((EARLIER + 3) * MAX_PRICE)
			.isEqualTo(9_007_000_000_000_000L)
			.isLessThanOrEqualTo(JS_SAFE);
	}

	private long count(String table, UUID sellerId) {
		return this.jdbc.sql("SELECT count(*) FROM " + table + " WHERE seller_id = ?")
			.param(sellerId)
			.query(Long.class)
			.single();
	}

	private static String row(String productId) {
		return "$.products[?(@.productId == '" + productId + "')]";
	}

	/** The number at the path, the only match of a filter too. */
	private static long number(String json, String path) {
		Object value = JsonPath.read(json, path);
		if (value instanceof List<?> matches) {
			assertThat(matches).as(path).hasSize(1);
			value = matches.get(0);
		}
		return ((Number) value).longValue();
	}

	/**
	 * {@code subscription.activated} as payment-service publishes it, at the largest
	 * price and accepted terms version.
	 */
	private void subscription(UUID id, UUID sellerId, String productId, String period, long version, Instant at) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("subscriptionId", id);
		data.put("userId", UUID.randomUUID());
		data.put("productId", productId);
		data.put("sellerId", sellerId);
		data.put("planId", UUID.randomUUID());
		data.put("price", MAX_PRICE);
		data.put("currency", "KRW");
		data.put("billingPeriod", period);
		data.put("status", "ACTIVE");
		data.put("currentPeriodEnd", at.plus(Duration.ofDays(31)).toString());
		data.put("version", version);
		data.put("occurredAt", at.toString());
		data.put("acceptedTermsVersion", EventContract.limit("subscription.activated", "acceptedTermsVersion").max());
		publishEvent("subscription.activated", id, data);
	}

	/** {@code payment.succeeded} of the largest amount. */
	private void payment(UUID sellerId, String productId, Instant at) {
		UUID id = UUID.randomUUID();
		publishEvent("payment.succeeded", id,
				Map.of("paymentId", id, "subscriptionId", UUID.randomUUID(), "userId", UUID.randomUUID(), "sellerId",
						sellerId, "productId", productId, "amount", MAX_PRICE, "currency", "KRW", "kind", "INITIAL",
						"time", at.toString()));
	}

}
