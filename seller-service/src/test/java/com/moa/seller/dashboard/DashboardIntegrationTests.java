package com.moa.seller.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seller dashboard follows payment-service's and lookup-service's events within 2 s:
 * subscribers and MRR (yearly / 12, rounded down), views, cancellations and revenue of
 * the last 30 days, the daily chart; redelivered and reordered events leave it right.
 */
class DashboardIntegrationTests extends SellerIntegrationTestSupport {

	/** The promise; timed only once this context has consumed events (warm). */
	private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(2);

	/** How long a test waits for an event's effect before calling it lost. */
	private static final Duration CONSUMED_WITHIN = Duration.ofSeconds(10);

	@Autowired
	DashboardRepository repository;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	JdbcClient jdbc;

	@Test
	void showsSubscribersRevenueViewsAndCancellationsPerProduct() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		String box = createProduct(seller, "Box");
		UUID monthly = UUID.randomUUID();
		UUID yearly = UUID.randomUUID();
		UUID other = UUID.randomUUID();
		Instant now = Instant.now();

		subscription("subscription.activated", monthly, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 1, now);
		subscription("subscription.activated", yearly, sellerId, kit, "ACTIVE", 100_001, "YEARLY", 1, now);
		subscription("subscription.activated", other, sellerId, box, "ACTIVE", 5_000, "MONTHLY", 1, now);
		UUID payment = UUID.randomUUID();
		payment(payment, sellerId, kit, 10_000, now);
		payment(UUID.randomUUID(), sellerId, kit, 100_001, now);
		publishEvent("product.view-stats", UUID.fromString(kit),
				Map.of("productId", kit, "totalViews", 42, "asOf", now.toString()));

		awaitDashboard(seller, "$.totals.activeSubscribers", 3, CONSUMED_WITHIN);
		String dashboard = body(get("/api/seller/dashboard", seller));
		assertThat(read(dashboard, "$.totals.products")).isEqualTo(2);
		assertThat(read(dashboard, "$.totals.monthlyRecurringRevenue")).isEqualTo(10_000 + 8_333 + 5_000);
		awaitDashboard(seller, "$.totals.views", 42, CONSUMED_WITHIN);
		// The payments may be consumed after the events awaited above.
		await().atMost(CONSUMED_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(read(body(get("/api/seller/dashboard", seller)),
					"$.products[?(@.productId == '" + kit + "')].revenueLast30d")
				.toString()).isEqualTo("[110001]"));

		// Canceled (version 3), then a late older activation (version 2): stays canceled.
		subscription("subscription.canceled", monthly, sellerId, kit, "CANCELED", 10_000, "MONTHLY", 3, now);
		subscription("subscription.activated", monthly, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 2, now);
		// A redelivered payment counts once.
		payment(payment, sellerId, kit, 10_000, now);
		// Warm now: this change is timed against the promise.
		awaitDashboard(seller, "$.totals.activeSubscribers", 2, VISIBLE_WITHIN);
		String after = body(get("/api/seller/dashboard", seller));
		String kitRow = "$.products[?(@.productId == '" + kit + "')]";
		assertThat(read(after, kitRow + ".activeSubscribers").toString()).isEqualTo("[1]");
		assertThat(read(after, kitRow + ".monthlyRecurringRevenue").toString()).isEqualTo("[8333]");
		assertThat(read(after, kitRow + ".canceledLast30d").toString()).isEqualTo("[1]");
		assertThat(read(after, kitRow + ".revenueLast30d").toString()).isEqualTo("[110001]");
		assertThat(read(after, kitRow + ".title").toString()).isEqualTo("[\"Kit\"]");

		String daily = body(get("/api/seller/dashboard/daily?days=3", seller));
		assertThat(read(daily, "$.length()")).isEqualTo(3);
		assertThat(read(daily, "$[2].date")).isEqualTo(LocalDate.ofInstant(now, ZoneOffset.UTC).toString());
		assertThat(read(daily, "$[2].newSubscriptions")).isEqualTo(3);
		assertThat(read(daily, "$[2].cancellations")).isEqualTo(1);
		assertThat(read(daily, "$[2].revenue")).isEqualTo(110_001);
		assertThat(read(daily, "$[0].newSubscriptions")).isEqualTo(0);
	}

	/**
	 * A deleted product's subscriptions run to their period end: it stays in the figures
	 * while it has any (the tiles dropped its subscribers while the chart counted them),
	 * not in the product count; one without figures is gone.
	 */
	@Test
	void aDeletedProductWithLiveSubscribersStaysInTheFigures() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		String box = createProduct(seller, "Box");
		Instant now = Instant.now();
		UUID live = UUID.randomUUID();
		UUID ended = UUID.randomUUID();
		subscription("subscription.activated", live, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 1, now);
		subscription("subscription.activated", ended, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 1, now);
		subscription("subscription.canceled", ended, sellerId, kit, "CANCELED", 10_000, "MONTHLY", 2, now);
		awaitDashboard(seller, "$.totals.activeSubscribers", 1, CONSUMED_WITHIN);
		await().atMost(CONSUMED_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(read(body(get("/api/seller/dashboard", seller)),
					"$.products[?(@.productId == '" + kit + "')].canceledLast30d")
				.toString()).isEqualTo("[1]"));

		assertThat(delete("/api/seller/products/" + kit, seller)).hasStatus(204);
		assertThat(delete("/api/seller/products/" + box, seller)).hasStatus(204);

		String dashboard = body(get("/api/seller/dashboard", seller));
		assertThat(read(dashboard, "$.totals.products")).isEqualTo(0);
		assertThat(read(dashboard, "$.totals.activeSubscribers")).isEqualTo(1);
		assertThat(read(dashboard, "$.totals.monthlyRecurringRevenue")).isEqualTo(10_000);
		assertThat(read(dashboard, "$.products[*].productId").toString()).isEqualTo("[\"" + kit + "\"]");
		assertThat(read(dashboard, "$.products[0].status")).isEqualTo("DELETED");
		assertThat(read(dashboard, "$.products[0].canceledLast30d")).isEqualTo(1);
		String daily = body(get("/api/seller/dashboard/daily?days=30", seller));
		assertThat(read(daily, "$[29].cancellations")).isEqualTo(1);
	}

	/**
	 * A period-end cancel is announced when asked for, still ACTIVE, with its future end;
	 * it may be resumed and canceled at once later: the day that counts is the day it
	 * ended.
	 */
	@Test
	void aScheduledCancelIsNotAnEndingUntilTheStatusSaysSo() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		UUID id = UUID.randomUUID();
		Instant now = Instant.now();
		subscription("subscription.activated", id, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 1, now);
		subscription("subscription.canceled", id, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 2,
				now.plus(Duration.ofDays(20)));
		await().atMost(CONSUMED_WITHIN)
			.until(() -> this.jdbc.sql("SELECT version FROM dashboard_subscriptions WHERE subscription_id = ?")
				.param(id)
				.query(Long.class)
				.optional()
				.orElse(0L) == 2);
		String scheduled = body(get("/api/seller/dashboard", seller));
		assertThat(read(scheduled, "$.totals.activeSubscribers")).isEqualTo(1);
		assertThat(read(scheduled, "$.products[0].canceledLast30d")).isEqualTo(0);
		// An instance of the previous release took the announcement for the end; the
		// next live state clears that, and the real end is the newest event's.
		this.jdbc.sql("UPDATE dashboard_subscriptions SET ended_at = ? WHERE subscription_id = ?")
			.params(java.sql.Timestamp.from(now.plus(Duration.ofDays(20))), id)
			.update();
		subscription("subscription.renewed", id, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 3, now);
		await().atMost(CONSUMED_WITHIN)
			.until(() -> this.jdbc.sql("SELECT ended_at IS NULL FROM dashboard_subscriptions WHERE subscription_id = ?")
				.param(id)
				.query(Boolean.class)
				.single());
		this.jdbc.sql("UPDATE dashboard_subscriptions SET ended_at = ? WHERE subscription_id = ?")
			.params(java.sql.Timestamp.from(now.plus(Duration.ofDays(20))), id)
			.update();

		subscription("subscription.canceled", id, sellerId, kit, "CANCELED", 10_000, "MONTHLY", 4, now);

		awaitDashboard(seller, "$.totals.activeSubscribers", 0, CONSUMED_WITHIN);
		String daily = body(get("/api/seller/dashboard/daily?days=1", seller));
		assertThat(read(daily, "$[0].date")).isEqualTo(LocalDate.ofInstant(now, ZoneOffset.UTC).toString());
		assertThat(read(daily, "$[0].cancellations")).isEqualTo(1);
	}

	@Test
	void theChartTakesOneToThreeHundredSixtyFiveDaysAndOnlySellers() {
		String seller = newSeller();
		assertThat(get("/api/seller/dashboard/daily?days=0", seller)).hasStatus(400);
		assertThat(get("/api/seller/dashboard/daily?days=366", seller)).hasStatus(400);
		assertThat(body(get("/api/seller/dashboard/daily", seller))).startsWith("[");
		assertThat(read(body(get("/api/seller/dashboard/daily?days=365", seller)), "$.length()")).isEqualTo(365);
		assertThat(get("/api/seller/dashboard", signer.token("CONSUMER"))).hasStatus(403);
		assertThat(read(body(get("/api/seller/dashboard", seller)), "$.totals.products")).isEqualTo(0);
	}

	/**
	 * payment's backfill ({@code subscription.snapshot}, after a restore) sets the
	 * subscribers right: one canceled in payment but live here ends, one never seen here
	 * counts as a subscriber, and no activation is counted for it (it is not new).
	 */
	@Test
	void aSnapshotFromPaymentsBackfillSetsTheSubscribersRightWithoutCountingAnActivation() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		UUID restored = UUID.randomUUID();
		Instant now = Instant.now();
		subscription("subscription.activated", restored, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 1, now);
		awaitDashboard(seller, "$.totals.activeSubscribers", 1, CONSUMED_WITHIN);

		subscription("subscription.snapshot", restored, sellerId, kit, "CANCELED", 10_000, "MONTHLY", 2, now);
		subscription("subscription.snapshot", UUID.randomUUID(), sellerId, kit, "ACTIVE", 5_000, "MONTHLY", 7, now);
		await().atMost(CONSUMED_WITHIN)
			.until(() -> this.jdbc
				.sql("SELECT count(*) FROM dashboard_subscriptions WHERE seller_id = ? AND version IN (2, 7)")
				.param(sellerId)
				.query(Long.class)
				.single() == 2);

		String dashboard = body(get("/api/seller/dashboard", seller));
		assertThat(read(dashboard, "$.totals.activeSubscribers")).isEqualTo(1);
		assertThat(read(dashboard, "$.totals.monthlyRecurringRevenue")).isEqualTo(5_000);
		String today = body(get("/api/seller/dashboard/daily?days=1", seller));
		assertThat(read(today, "$[0].newSubscriptions")).isEqualTo(1);
		assertThat(read(today, "$[0].cancellations")).isEqualTo(1);
	}

	/**
	 * A backfill's snapshot of the version the dashboard already has changes nothing: the
	 * end it announces would be dated when the backfill ran, not when the subscription
	 * ended.
	 */
	@Test
	void aSnapshotOfTheVersionWeHaveLeavesTheEndWhereItWas() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		UUID id = UUID.randomUUID();
		Instant ended = Instant.now().minus(Duration.ofDays(40)).truncatedTo(ChronoUnit.MICROS);
		subscription("subscription.activated", id, sellerId, kit, "ACTIVE", 10_000, "MONTHLY", 1,
				ended.minus(Duration.ofDays(10)));
		subscription("subscription.canceled", id, sellerId, kit, "CANCELED", 10_000, "MONTHLY", 2, ended);
		await().atMost(CONSUMED_WITHIN).until(() -> ended.equals(endedAt(id)));

		Map<String, Object> snapshot = new LinkedHashMap<>();
		snapshot.put("subscriptionId", id);
		snapshot.put("userId", UUID.randomUUID());
		snapshot.put("productId", kit);
		snapshot.put("sellerId", sellerId);
		snapshot.put("status", "CANCELED");
		snapshot.put("price", 10_000);
		snapshot.put("currency", "KRW");
		snapshot.put("billingPeriod", "MONTHLY");
		snapshot.put("version", 2);
		snapshot.put("occurredAt", Instant.now().toString());
		UUID eventId = publishEvent("subscription.snapshot", id, snapshot);
		await().atMost(CONSUMED_WITHIN)
			.until(() -> this.jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
				.param(eventId)
				.query(Long.class)
				.single() == 1);

		assertThat(endedAt(id)).isEqualTo(ended);
		String today = body(get("/api/seller/dashboard/daily?days=1", seller));
		assertThat(read(today, "$[0].cancellations")).isEqualTo(0);
		assertThat(read(body(get("/api/seller/dashboard", seller)), "$.products[0].canceledLast30d")).isEqualTo(0);
	}

	private Instant endedAt(UUID subscriptionId) {
		return this.jdbc.sql("SELECT ended_at FROM dashboard_subscriptions WHERE subscription_id = ?")
			.param(subscriptionId)
			.query((rs, n) -> {
				OffsetDateTime at = rs.getObject("ended_at", OffsetDateTime.class);
				return (at != null) ? at.toInstant() : null;
			})
			.optional()
			.orElse(null);
	}

	/**
	 * The "last 30 days" figures are the thirty UTC days of the 30-day chart below them,
	 * not the last 720 hours: the tile and the chart's sum agree.
	 */
	@Test
	void theLast30DaysAreTheThirtyUtcDaysOfTheChart() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String kit = createProduct(seller, "Kit");
		Instant firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(29).atStartOfDay(ZoneOffset.UTC).toInstant();
		payment(UUID.randomUUID(), sellerId, kit, 777, firstDay.minusSeconds(1));
		payment(UUID.randomUUID(), sellerId, kit, 1_000, firstDay);
		await().atMost(CONSUMED_WITHIN)
			.until(() -> this.jdbc.sql("SELECT count(*) FROM dashboard_payments WHERE seller_id = ?")
				.param(sellerId)
				.query(Long.class)
				.single() == 2);

		String kitRow = "$.products[?(@.productId == '" + kit + "')]";
		assertThat(read(body(get("/api/seller/dashboard", seller)), kitRow + ".revenueLast30d").toString())
			.isEqualTo("[1000]");
		assertThat(read(body(get("/api/seller/dashboard/daily?days=30", seller)), "$[0].revenue")).isEqualTo(1_000);
	}

	/**
	 * The driver sets the session's time zone to the JVM's: under a zone west of UTC the
	 * chart labelled each UTC day with the day before.
	 */
	@Test
	void theDailyChartIsCutInUtcWhateverTheSessionsTimeZone() {
		UUID sellerId = UUID.randomUUID();
		String kit = createProduct(signer.token(sellerId, "SELLER"), "Kit");
		Instant now = Instant.now();
		payment(UUID.randomUUID(), sellerId, kit, 1234, now);
		await().atMost(CONSUMED_WITHIN)
			.until(() -> this.jdbc.sql("SELECT count(*) FROM dashboard_payments WHERE seller_id = ?")
				.param(sellerId)
				.query(Long.class)
				.single() == 1);
		LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);

		List<Dashboard.Day> days = this.transaction.execute((status) -> {
			this.jdbc.sql("SET LOCAL TIME ZONE 'America/New_York'").update();
			return this.repository.daily(sellerId, today.minusDays(2), today);
		});

		assertThat(days).extracting(Dashboard.Day::date).containsExactly(today.minusDays(2), today.minusDays(1), today);
		assertThat(days.get(2).revenue()).isEqualTo(1234);
	}

	/**
	 * A year's chart reads, per day and figure, one index range of the seller's rows (it
	 * read all the seller's subscriptions each time: 98 s for a seller with 100,000), and
	 * adds up to what the rows say.
	 */
	@Test
	void theYearChartReadsIndexRangesOfTheSellersRows() {
		UUID sellerId = UUID.randomUUID();
		LocalDate today = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
		LocalDate first = today.minusDays(364);
		// 50 sellers with 1,000 subscriptions and 1,000 payments each over 400 days;
		// every
		// third subscription canceled. The first seller is this test's.
		this.jdbc.sql("""
				INSERT INTO dashboard_subscriptions (subscription_id, seller_id, product_id, status, price,
				    billing_period, currency, version, activated_at, ended_at)
				SELECT gen_random_uuid(), CASE WHEN i % 50 = 0 THEN ? ELSE md5((i % 50)::text || ?)::uuid END,
				       gen_random_uuid(), CASE WHEN i % 3 = 0 THEN 'CANCELED' ELSE 'ACTIVE' END, 9900, 'MONTHLY',
				       'KRW', 1, now() - (i % 400) * interval '1 day',
				       CASE WHEN i % 3 = 0 THEN now() - (i % 300) * interval '1 day' END
				FROM generate_series(1, 50000) AS i""").params(sellerId, sellerId.toString()).update();
		this.jdbc.sql("""
				INSERT INTO dashboard_payments (payment_id, seller_id, product_id, amount, currency, paid_at)
				SELECT gen_random_uuid(), CASE WHEN i % 50 = 0 THEN ? ELSE md5((i % 50)::text || ?)::uuid END,
				       gen_random_uuid(), 100, 'KRW', now() - (i % 400) * interval '1 day'
				FROM generate_series(1, 50000) AS i""").params(sellerId, sellerId.toString()).update();
		this.jdbc.sql("VACUUM (ANALYZE) dashboard_subscriptions, dashboard_payments").update();

		String plan = String.join("\n",
				this.jdbc.sql("EXPLAIN " + DashboardRepository.DAILY)
					.param("seller", sellerId)
					.param("first", first.atStartOfDay())
					.param("last", today.atStartOfDay())
					.query(String.class)
					.list());
		List<Dashboard.Day> days = this.repository.daily(sellerId, first, today);

		assertThat(plan)
			.contains("dashboard_subscriptions_seller_activated", "dashboard_subscriptions_seller_canceled",
					"dashboard_payments_seller_paid")
			.doesNotContain("Seq Scan on dashboard_");
		assertThat(days).hasSize(365);
		Instant since = first.atStartOfDay().toInstant(ZoneOffset.UTC);
		assertThat(days.stream().mapToLong(Dashboard.Day::newSubscriptions).sum())
			.isEqualTo(this.jdbc
				.sql("SELECT count(*) FROM dashboard_subscriptions WHERE seller_id = ? AND activated_at >= ?")
				.params(sellerId, since.atOffset(ZoneOffset.UTC))
				.query(Long.class)
				.single())
			.isPositive();
		assertThat(days.stream().mapToLong(Dashboard.Day::cancellations).sum()).isEqualTo(this.jdbc
			.sql("SELECT count(*) FROM dashboard_subscriptions WHERE seller_id = ? AND status = 'CANCELED'"
					+ " AND ended_at >= ?")
			.params(sellerId, since.atOffset(ZoneOffset.UTC))
			.query(Long.class)
			.single()).isPositive();
		assertThat(days.stream().mapToLong(Dashboard.Day::revenue).sum())
			.isEqualTo(this.jdbc
				.sql("SELECT coalesce(sum(amount), 0) FROM dashboard_payments WHERE seller_id = ? AND paid_at >= ?")
				.params(sellerId, since.atOffset(ZoneOffset.UTC))
				.query(Long.class)
				.single())
			.isPositive();
	}

	private void awaitDashboard(String seller, String path, int expected, Duration within) {
		await().atMost(within)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> expected == ((Number) read(body(get("/api/seller/dashboard", seller)), path)).intValue());
	}

	private void subscription(String type, UUID id, UUID sellerId, String productId, String status, long price,
			String period, long version, Instant at) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("subscriptionId", id);
		data.put("userId", UUID.randomUUID());
		data.put("productId", productId);
		data.put("sellerId", sellerId);
		data.put("status", status);
		data.put("price", price);
		data.put("currency", "KRW");
		data.put("billingPeriod", period);
		data.put("version", version);
		data.put("occurredAt", at.toString());
		data.put("effectiveAt", at.toString());
		publishEvent(type, id, data);
	}

	private void payment(UUID id, UUID sellerId, String productId, long amount, Instant at) {
		publishEvent("payment.succeeded", id,
				Map.of("paymentId", id, "subscriptionId", UUID.randomUUID(), "userId", UUID.randomUUID(), "sellerId",
						sellerId, "productId", productId, "amount", amount, "currency", "KRW", "time", at.toString()));
	}

	private static Object read(String json, String path) {
		return JsonPath.read(json, path);
	}

}
