package com.moa.payment.subscription;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.moa.payment.catalog.BillingPeriod;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores subscriptions. Every change goes through {@link #update}, which increments the
 * row version (carried in {@code subscription.*} events so projections can order them).
 */
@Repository
public class SubscriptionRepository {

	private final JdbcClient jdbc;

	SubscriptionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts a PENDING subscription.
	 * @throws org.springframework.dao.DuplicateKeyException when the user already has a
	 * live subscription to the product
	 */
	void insertPending(Subscription s) {
		this.jdbc.sql("""
				INSERT INTO subscriptions (id, user_id, product_id, seller_id, product_title, plan_id, plan_name,
				    billing_period, price, currency, status, payment_token, accepted_terms_version, created_at,
				    updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)""")
			.params(s.id(), s.userId(), s.productId(), s.sellerId(), s.productTitle(), s.planId(), s.planName(),
					s.billingPeriod().name(), s.price(), s.currency(), s.paymentToken(), s.acceptedTermsVersion(),
					utc(s.createdAt()), utc(s.createdAt()))
			.update();
	}

	/** The status of the user's live subscription to the product, if any. */
	Optional<SubscriptionStatus> liveStatus(UUID userId, UUID productId) {
		return this.jdbc.sql("""
				SELECT status FROM subscriptions
				WHERE user_id = ? AND product_id = ? AND status IN ('PENDING', 'ACTIVE', 'PAST_DUE')""")
			.params(userId, productId)
			.query((rs, row) -> SubscriptionStatus.valueOf(rs.getString(1)))
			.optional();
	}

	public Optional<Subscription> find(UUID id) {
		return this.jdbc.sql("SELECT * FROM subscriptions WHERE id = ?")
			.param(id)
			.query(SubscriptionRepository::map)
			.optional();
	}

	/** Locks the row for a change (the lifecycle serializes on it). */
	public Optional<Subscription> lock(UUID id) {
		return this.jdbc.sql("SELECT * FROM subscriptions WHERE id = ? FOR UPDATE")
			.param(id)
			.query(SubscriptionRepository::map)
			.optional();
	}

	List<Subscription> findVisible(UUID userId, SubscriptionStatus status) {
		return this.jdbc.sql("""
				SELECT * FROM subscriptions
				WHERE user_id = :user AND status NOT IN ('PENDING', 'FAILED')
				  AND (CAST(:status AS text) IS NULL OR status = :status)
				ORDER BY created_at DESC, id""")
			.param("user", userId)
			.param("status", (status != null) ? status.name() : null)
			.query(SubscriptionRepository::map)
			.list();
	}

	/**
	 * Up to {@code size} visible subscriptions with ids after the given one, in id order
	 * (a backfill's batch). PENDING and FAILED ones were never announced, so they are
	 * left out here rather than after paging, which keeps the pages contiguous.
	 */
	List<Subscription> findAfter(UUID after, int size) {
		return this.jdbc.sql("""
				SELECT * FROM subscriptions
				WHERE id > ? AND status NOT IN ('PENDING', 'FAILED')
				ORDER BY id
				LIMIT ?""").params(after, size).query(SubscriptionRepository::map).list();
	}

	/**
	 * Claims up to {@code limit} subscriptions the billing job has something to do for
	 * ({@code next_charge_at} passed and no charge running), locked until the caller's
	 * transaction ends; rows another instance holds are skipped.
	 */
	public List<Subscription> claimDue(Instant now, int limit) {
		return this.jdbc.sql("""
				SELECT s.* FROM subscriptions s
				WHERE s.status IN ('ACTIVE', 'PAST_DUE') AND s.next_charge_at <= ?
				  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.subscription_id = s.id AND p.status = 'PENDING')
				ORDER BY s.next_charge_at
				LIMIT ? FOR UPDATE OF s SKIP LOCKED""")
			.params(utc(now), limit)
			.query(SubscriptionRepository::map)
			.list();
	}

	/**
	 * Claims active subscriptions whose renewal notice is due and not yet sent, or sent
	 * with a renewal price a plan change has changed since.
	 */
	public List<Subscription> claimNoticesDue(Instant noticeHorizon, Instant now, int limit) {
		return this.jdbc.sql("""
				SELECT * FROM subscriptions
				WHERE status = 'ACTIVE' AND NOT cancel_at_period_end
				  AND current_period_end <= ? AND current_period_end > ?
				  AND (renewal_notice_for IS DISTINCT FROM current_period_end
				       OR renewal_notice_price <> COALESCE(pending_price, price))
				ORDER BY current_period_end
				LIMIT ? FOR UPDATE SKIP LOCKED""")
			.params(utc(noticeHorizon), utc(now), limit)
			.query(SubscriptionRepository::map)
			.list();
	}

	/** Records the renewal price the notice just published announced. */
	public void noticedPrice(UUID id, long renewalPrice) {
		this.jdbc.sql("UPDATE subscriptions SET renewal_notice_price = ? WHERE id = ?")
			.params(renewalPrice, id)
			.update();
	}

	/** Writes the whole row back and increments its version; returns the stored state. */
	public Subscription update(Subscription s, Instant now) {
		Subscription.PendingPlan pending = s.pendingPlan();
		this.jdbc.sql("""
				UPDATE subscriptions SET plan_id = ?, plan_name = ?, billing_period = ?, price = ?, status = ?,
				    payment_token = ?, current_period_start = ?, current_period_end = ?, next_charge_at = ?,
				    cancel_at_period_end = ?, pending_plan_id = ?, pending_plan_name = ?, pending_billing_period = ?,
				    pending_price = ?, past_due_since = ?, dunning_attempts = ?, renewal_notice_for = ?,
				    billing_anchor = ?, version = version + 1, updated_at = ?
				WHERE id = ?""")
			.params(s.planId(), s.planName(), s.billingPeriod().name(), s.price(), s.status().name(), s.paymentToken(),
					utc(s.currentPeriodStart()), utc(s.currentPeriodEnd()), utc(s.nextChargeAt()),
					s.cancelAtPeriodEnd(), (pending != null) ? pending.planId() : null,
					(pending != null) ? pending.name() : null,
					(pending != null) ? pending.billingPeriod().name() : null,
					(pending != null) ? pending.price() : null, utc(s.pastDueSince()), s.dunningAttempts(),
					utc(s.renewalNoticeFor()), utc(s.billingAnchor()), utc(now), s.id())
			.update();
		return find(s.id()).orElseThrow();
	}

	static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	static Subscription map(ResultSet rs, int row) throws SQLException {
		UUID pendingPlanId = rs.getObject("pending_plan_id", UUID.class);
		Subscription.PendingPlan pending = (pendingPlanId != null)
				? new Subscription.PendingPlan(pendingPlanId, rs.getString("pending_plan_name"),
						BillingPeriod.valueOf(rs.getString("pending_billing_period")), rs.getLong("pending_price"))
				: null;
		return new Subscription(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
				rs.getObject("product_id", UUID.class), rs.getObject("seller_id", UUID.class),
				rs.getString("product_title"), rs.getObject("plan_id", UUID.class), rs.getString("plan_name"),
				BillingPeriod.valueOf(rs.getString("billing_period")), rs.getLong("price"), rs.getString("currency"),
				SubscriptionStatus.valueOf(rs.getString("status")), rs.getString("payment_token"),
				instant(rs, "current_period_start"), instant(rs, "current_period_end"), instant(rs, "next_charge_at"),
				rs.getBoolean("cancel_at_period_end"), pending, instant(rs, "past_due_since"),
				rs.getInt("dunning_attempts"), instant(rs, "renewal_notice_for"), instant(rs, "billing_anchor"),
				rs.getLong("version"), instant(rs, "created_at"), instant(rs, "updated_at"),
				rs.getObject("accepted_terms_version", Integer.class));
	}

}
