package com.moa.payment.payment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.moa.payment.catalog.BillingPeriod;
import com.moa.payment.catalog.CatalogPlan;
import com.moa.payment.provider.ChargeResult;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores charges. A row is written PENDING and committed before the provider is asked;
 * {@link #resolve} moves it out of PENDING exactly once, whoever gets there first (the
 * request, the billing job or the reconciler).
 */
@Repository
public class PaymentRepository {

	private static final String VISIBLE = "user_id = ? AND status <> 'PENDING' AND failure_reason IS DISTINCT FROM ?";

	private final JdbcClient jdbc;

	PaymentRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @throws org.springframework.dao.DuplicateKeyException when this period, kind and
	 * attempt already has a charge
	 */
	public void insertPending(Payment p) {
		insertPending(p, null);
	}

	/**
	 * An upgrade's charge, with the plan it pays for as priced now: its settle applies
	 * that, whatever the catalog says by then.
	 * @throws org.springframework.dao.DuplicateKeyException when this period, kind and
	 * attempt already has a charge
	 */
	public void insertPending(Payment p, CatalogPlan upgradeTarget) {
		this.jdbc.sql("""
				INSERT INTO payments (id, subscription_id, user_id, seller_id, product_id, amount, currency, status,
				    kind, period_start, attempt, payment_token, plan_id, created_at,
				    plan_name, plan_billing_period, plan_price)
				VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(p.id(), p.subscriptionId(), p.userId(), p.sellerId(), p.productId(), p.amount(), p.currency(),
					p.kind(), utc(p.periodStart()), p.attempt(), p.paymentToken(), p.planId(), utc(p.createdAt()),
					(upgradeTarget != null) ? upgradeTarget.name() : null,
					(upgradeTarget != null) ? upgradeTarget.billingPeriod().name() : null,
					(upgradeTarget != null) ? upgradeTarget.price() : null)
			.update();
	}

	/** The plan an upgrade's charge paid for, as recorded when it was charged. */
	public Optional<CatalogPlan> upgradeTarget(Payment payment) {
		return this.jdbc.sql("""
				SELECT plan_name, plan_billing_period, plan_price FROM payments
				WHERE id = ? AND kind = 'PRORATION' AND plan_name IS NOT NULL""")
			.param(payment.id())
			.query((rs, n) -> new CatalogPlan(payment.planId(), rs.getString("plan_name"),
					BillingPeriod.valueOf(rs.getString("plan_billing_period")), rs.getLong("plan_price"),
					payment.currency()))
			.optional();
	}

	/** Moves a PENDING charge to its outcome; false when it was resolved already. */
	public boolean resolve(UUID id, PaymentStatus status, String failureReason) {
		return this.jdbc.sql("""
				UPDATE payments SET status = ?, failure_reason = ?, resolved_at = now()
				WHERE id = ? AND status = 'PENDING'""").params(status.name(), failureReason, id).update() == 1;
	}

	/**
	 * Like {@link #resolve}, but only while the charge has not been handed to the
	 * provider for {@code age} (wall clock): false when a caller has just (re)stamped it
	 * with {@link #markRequested}, i.e. it may be at the provider right now.
	 */
	public boolean resolveIfRequestedBefore(UUID id, Duration age, PaymentStatus status, String failureReason) {
		return this.jdbc.sql("""
				UPDATE payments SET status = ?, failure_reason = ?, resolved_at = now()
				WHERE id = ? AND status = 'PENDING' AND requested_at < now() - make_interval(secs => ?)""")
			.params(status.name(), failureReason, id, age.toMillis() / 1000.0)
			.update() == 1;
	}

	/**
	 * Stamps a PENDING charge as handed to the provider now, just before the call.
	 * @return false when it is no longer PENDING (the reconciler settled it meanwhile):
	 * it must not be sent
	 */
	public boolean markRequested(UUID id) {
		return this.jdbc.sql("UPDATE payments SET requested_at = now() WHERE id = ? AND status = 'PENDING'")
			.param(id)
			.update() == 1;
	}

	/** Whether the subscription has a charge in flight (callers hold its row lock). */
	public boolean hasPending(UUID subscriptionId) {
		return this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM payments WHERE subscription_id = ? AND status = 'PENDING')")
			.param(subscriptionId)
			.query(Boolean.class)
			.single();
	}

	/** The first charge of a subscription (a purchase's). */
	public Optional<Payment> findInitial(UUID subscriptionId) {
		return this.jdbc.sql("SELECT * FROM payments WHERE subscription_id = ? AND kind = 'INITIAL'")
			.param(subscriptionId)
			.query(PaymentRepository::map)
			.optional();
	}

	public Optional<Payment> find(UUID id) {
		return this.jdbc.sql("SELECT * FROM payments WHERE id = ?").param(id).query(PaymentRepository::map).optional();
	}

	/**
	 * Deletes PENDING charges its caller never handed to the provider (only the billing
	 * batch that inserted them sends them; every other change waits while one is
	 * pending).
	 * @return how many were deleted
	 */
	public int discardUnsent(List<UUID> ids) {
		return this.jdbc.sql("DELETE FROM payments WHERE id = ANY(?) AND status = 'PENDING'")
			.param(ids.toArray(UUID[]::new))
			.update();
	}

	/**
	 * How many charges of this kind the period already had (the next attempt's number).
	 */
	public int attempts(UUID subscriptionId, Instant periodStart, String kind) {
		return this.jdbc
			.sql("SELECT count(*) FROM payments WHERE subscription_id = ? AND period_start = ? AND kind = ?")
			.params(subscriptionId, utc(periodStart), kind)
			.query(Integer.class)
			.single();
	}

	/**
	 * PENDING charges requested longer ago than {@code age} (wall clock), oldest first,
	 * after the first {@code skip}.
	 */
	public List<Payment> pendingOlderThan(Duration age, int skip, int limit) {
		return this.jdbc.sql("""
				SELECT * FROM payments WHERE status = 'PENDING'
				  AND requested_at < now() - make_interval(secs => ?)
				ORDER BY requested_at, id OFFSET ? LIMIT ?""")
			.params(age.toMillis() / 1000.0, skip, limit)
			.query(PaymentRepository::map)
			.list();
	}

	/**
	 * The user's charges as {@code GET /api/payments} lists them, newest first: not those
	 * in flight, nor those that never happened (the provider was unavailable: nothing was
	 * charged, and no {@code payment.failed} went out for them either).
	 */
	List<Payment> findVisible(UUID userId, long offset, int limit) {
		return this.jdbc
			.sql("SELECT * FROM payments WHERE " + VISIBLE + " ORDER BY created_at DESC, id OFFSET ? LIMIT ?")
			.params(userId, ChargeResult.UNAVAILABLE.reason(), offset, limit)
			.query(PaymentRepository::map)
			.list();
	}

	long countVisible(UUID userId) {
		return this.jdbc.sql("SELECT count(*) FROM payments WHERE " + VISIBLE)
			.params(userId, ChargeResult.UNAVAILABLE.reason())
			.query(Long.class)
			.single();
	}

	private static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	private static Payment map(ResultSet rs, int row) throws SQLException {
		return new Payment(rs.getObject("id", UUID.class), rs.getObject("subscription_id", UUID.class),
				rs.getObject("user_id", UUID.class), rs.getObject("seller_id", UUID.class),
				rs.getObject("product_id", UUID.class), rs.getLong("amount"), rs.getString("currency"),
				PaymentStatus.valueOf(rs.getString("status")), rs.getString("kind"),
				rs.getObject("period_start", OffsetDateTime.class).toInstant(), rs.getInt("attempt"),
				rs.getString("payment_token"), rs.getObject("plan_id", UUID.class), rs.getString("failure_reason"),
				rs.getObject("created_at", OffsetDateTime.class).toInstant());
	}

}
