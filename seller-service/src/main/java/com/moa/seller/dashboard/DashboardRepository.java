package com.moa.seller.dashboard;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The dashboard's projections and queries. Subscribers and MRR count live subscriptions
 * (ACTIVE and PAST_DUE: a past-due subscriber still holds the product while dunning
 * runs); a yearly price counts as price / 12, rounded down, in integer minor units.
 */
@Repository
class DashboardRepository {

	private static final String LIVE = "status IN ('ACTIVE', 'PAST_DUE')";

	private static final String MONTHLY = "CASE billing_period WHEN 'YEARLY' THEN price / 12 ELSE price END";

	private final JdbcClient jdbc;

	DashboardRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Applies a subscription's state when its version is newer; records when it was
	 * activated and when it ended, whichever order the events come in.
	 */
	void applySubscription(SubscriptionState state, Instant activatedAt, Instant endedAt) {
		int applied = this.jdbc
			.sql("""
					INSERT INTO dashboard_subscriptions (subscription_id, seller_id, product_id, status, price,
					    billing_period, currency, version)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (subscription_id) DO UPDATE SET status = EXCLUDED.status, price = EXCLUDED.price,
					    billing_period = EXCLUDED.billing_period, currency = EXCLUDED.currency, version = EXCLUDED.version,
					    ended_at = CASE WHEN EXCLUDED.status IN ('CANCELED', 'EXPIRED') THEN dashboard_subscriptions.ended_at END
					WHERE dashboard_subscriptions.version < EXCLUDED.version""")
			.params(state.subscriptionId(), state.sellerId(), state.productId(), state.status(), state.price(),
					state.billingPeriod(), state.currency(), state.version())
			.update();
		if (activatedAt != null) {
			this.jdbc
				.sql("UPDATE dashboard_subscriptions SET activated_at = coalesce(activated_at, ?) "
						+ "WHERE subscription_id = ?")
				.params(utc(activatedAt), state.subscriptionId())
				.update();
		}
		if (endedAt != null && applied > 0) {
			// By the newest event only: a late older one changes nothing, nor does a
			// snapshot of the version we have (a backfill's, dated when it ran, re-dated
			// every ended subscription). A live state clears it above: an instance of the
			// previous release took a period-end cancel's announcement, still ACTIVE, for
			// its end.
			this.jdbc.sql("UPDATE dashboard_subscriptions SET ended_at = ? WHERE subscription_id = ? AND version = ?")
				.params(utc(endedAt), state.subscriptionId(), state.version())
				.update();
		}
	}

	void applyPayment(UUID paymentId, UUID sellerId, UUID productId, long amount, String currency, Instant paidAt) {
		this.jdbc.sql("""
				INSERT INTO dashboard_payments (payment_id, seller_id, product_id, amount, currency, paid_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (payment_id) DO NOTHING""")
			.params(paymentId, sellerId, productId, amount, currency, utc(paidAt))
			.update();
	}

	void applyViews(UUID productId, long totalViews, Instant asOf) {
		this.jdbc.sql("""
				INSERT INTO product_views (product_id, total_views, as_of) VALUES (?, ?, ?)
				ON CONFLICT (product_id) DO UPDATE SET total_views = GREATEST(product_views.total_views,
				    EXCLUDED.total_views), as_of = GREATEST(product_views.as_of, EXCLUDED.as_of)""")
			.params(productId, totalViews, utc(asOf))
			.update();
	}

	/**
	 * One row per product of the seller, newest first: a deleted one only while it has
	 * figures.
	 */
	List<Dashboard.ProductFigures> products(UUID sellerId, Instant since) {
		return this.jdbc.sql("""
				SELECT p.id, p.title, p.status,
				       coalesce(s.live, 0) AS live, coalesce(s.mrr, 0) AS mrr, coalesce(v.total_views, 0) AS views,
				       coalesce(s.canceled, 0) AS canceled, coalesce(r.revenue, 0) AS revenue
				FROM products p
				LEFT JOIN (SELECT product_id,
				                  count(*) FILTER (WHERE %1$s) AS live,
				                  sum(CASE WHEN %1$s THEN %2$s ELSE 0 END) AS mrr,
				                  count(*) FILTER (WHERE status = 'CANCELED' AND ended_at >= :since) AS canceled
				           FROM dashboard_subscriptions WHERE seller_id = :seller GROUP BY product_id) s
				       ON s.product_id = p.id
				LEFT JOIN product_views v ON v.product_id = p.id
				LEFT JOIN (SELECT product_id, sum(amount) AS revenue FROM dashboard_payments
				           WHERE seller_id = :seller AND paid_at >= :since GROUP BY product_id) r
				       ON r.product_id = p.id
				WHERE p.seller_id = :seller
				  -- A deleted product while it has figures: its subscriptions run to their
				  -- period end, and the chart counts its days.
				  AND (p.status <> 'DELETED' OR s.live > 0 OR s.canceled > 0 OR r.revenue > 0)
				ORDER BY p.created_at DESC, p.id""".formatted(LIVE, MONTHLY))
			.param("seller", sellerId)
			.param("since", utc(since))
			.query((rs, n) -> new Dashboard.ProductFigures(rs.getObject("id", UUID.class), rs.getString("title"),
					rs.getString("status"), rs.getLong("live"), rs.getLong("mrr"), rs.getLong("views"),
					rs.getLong("canceled"), rs.getLong("revenue")))
			.list();
	}

	/**
	 * The daily chart's statement: per day and figure, one index range of the seller's
	 * rows (V3). With only the (seller, product) index each of those read all the
	 * seller's subscriptions: 98 s for a year of a seller with 100,000
	 * (bench/RESULTS.md).
	 */
	static final String DAILY = """
			SELECT day,
			       (SELECT count(*) FROM dashboard_subscriptions WHERE seller_id = :seller
			          AND activated_at >= since AND activated_at < until) AS created,
			       (SELECT count(*) FROM dashboard_subscriptions WHERE seller_id = :seller AND status = 'CANCELED'
			          AND ended_at >= since AND ended_at < until) AS canceled,
			       (SELECT coalesce(sum(amount), 0) FROM dashboard_payments WHERE seller_id = :seller
			          AND paid_at >= since AND paid_at < until) AS revenue
			FROM (SELECT CAST(d AS date) AS day, d AT TIME ZONE 'UTC' AS since,
			             (d + interval '1 day') AT TIME ZONE 'UTC' AS until
			      FROM generate_series(CAST(:first AS timestamp), CAST(:last AS timestamp), interval '1 day') AS d)
			     AS days
			ORDER BY day""";

	/**
	 * One row per UTC day from {@code first} to {@code last}, oldest first. Days are
	 * counted as timestamps without a zone and turned into instants at UTC, so the
	 * session's time zone (the JVM's, set by the driver) labels and cuts nothing.
	 */
	List<Dashboard.Day> daily(UUID sellerId, LocalDate first, LocalDate last) {
		return this.jdbc.sql(DAILY)
			.param("seller", sellerId)
			.param("first", first.atStartOfDay())
			.param("last", last.atStartOfDay())
			.query((rs, n) -> new Dashboard.Day(rs.getObject("day", LocalDate.class), rs.getLong("created"),
					rs.getLong("canceled"), rs.getLong("revenue")))
			.list();
	}

	private static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	/** A subscription's state as its newest event tells it. */
	record SubscriptionState(UUID subscriptionId, UUID sellerId, UUID productId, String status, long price,
			String billingPeriod, String currency, long version) {
	}

}
