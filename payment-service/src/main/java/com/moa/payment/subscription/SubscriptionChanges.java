package com.moa.payment.subscription;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

import com.moa.payment.billing.BillingClock;
import com.moa.payment.billing.Charging;
import com.moa.payment.catalog.BillingPeriod;
import com.moa.payment.catalog.Catalog;
import com.moa.payment.catalog.CatalogPlan;
import com.moa.payment.catalog.CatalogProduct;
import com.moa.payment.payment.Payment;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.payment.PaymentStatus;
import com.moa.payment.provider.ChargeResult;
import com.moa.payment.provider.PaymentProvider;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a consumer does to its subscription after buying it: cancel (now or at the period
 * end), resume a pending cancel, change the plan, replace the payment method. Each change
 * locks the subscription row, so it serializes with the billing job and with itself.
 */
@Service
class SubscriptionChanges {

	private final SubscriptionRepository subscriptions;

	private final PaymentRepository payments;

	private final SubscriptionEvents events;

	private final Catalog catalog;

	private final PaymentProvider provider;

	private final Charging charging;

	private final TransactionTemplate transaction;

	private final BillingClock clock;

	SubscriptionChanges(SubscriptionRepository subscriptions, PaymentRepository payments, SubscriptionEvents events,
			Catalog catalog, PaymentProvider provider, Charging charging, TransactionTemplate transaction,
			BillingClock clock) {
		this.subscriptions = subscriptions;
		this.payments = payments;
		this.events = events;
		this.catalog = catalog;
		this.provider = provider;
		this.charging = charging;
		this.transaction = transaction;
		this.clock = clock;
	}

	Subscription find(UUID userId, UUID id) {
		return this.subscriptions.find(id)
			.filter((s) -> s.userId().equals(userId) && s.status().isVisible())
			.orElseThrow(() -> SubscriptionProblems.notFound("subscription " + id));
	}

	Subscription cancel(UUID userId, UUID id, boolean atPeriodEnd) {
		return this.transaction.execute((status) -> {
			Subscription s = locked(userId, id);
			requireLive(s);
			requireNoChargeInFlight(s);
			Instant now = this.clock.now();
			if (atPeriodEnd && s.status() == SubscriptionStatus.ACTIVE) {
				if (s.cancelAtPeriodEnd()) {
					// Asked again: nothing changes, so no second event (and mail).
					return s;
				}
				// Published now, still ACTIVE, so the subscriber is told at once when it
				// ends; the billing job publishes it again, CANCELED, at that time.
				Subscription scheduled = this.subscriptions.update(s.change().cancelAtPeriodEnd(true).build(), now);
				this.events.canceled(scheduled, true, scheduled.currentPeriodEnd());
				return scheduled;
			}
			// Now (also for a past-due subscription, which has no paid period to run
			// out).
			Subscription canceled = this.subscriptions.update(
					s.change().status(SubscriptionStatus.CANCELED).nextChargeAt(null).cancelAtPeriodEnd(false).build(),
					now);
			this.events.canceled(canceled, false, now);
			return canceled;
		});
	}

	Subscription resume(UUID userId, UUID id) {
		return this.transaction.execute((status) -> {
			Subscription s = locked(userId, id);
			if (s.status() != SubscriptionStatus.ACTIVE || !s.cancelAtPeriodEnd()) {
				throw SubscriptionProblems
					.notActive("Only an active subscription set to cancel at the period end " + "can be resumed");
			}
			Subscription resumed = this.subscriptions.update(s.change().cancelAtPeriodEnd(false).build(),
					this.clock.now());
			// The subscriber was told of the cancel when asking; now of its withdrawal.
			this.events.resumed(resumed);
			return resumed;
		});
	}

	/**
	 * Upgrade (a higher monthly equivalent): now, with a prorated charge for the rest of
	 * the period (402 and no change if declined). Downgrade: at the period end
	 * ({@code pendingPlanId}). Choosing the current plan again withdraws a pending
	 * downgrade; choosing it with none pending is a 400. Decided on the locked row, so a
	 * repeated request sees what the first one did.
	 */
	Subscription changePlan(UUID userId, UUID id, UUID planId) {
		Subscription current = find(userId, id);
		if (current.status() != SubscriptionStatus.ACTIVE) {
			throw SubscriptionProblems.notActive("Only an active subscription can change its plan");
		}
		UUID productId = current.productId();
		// Its product gone is a conflict, not a 404 (read as the subscription gone): the
		// subscription runs to its period end.
		CatalogProduct product = this.catalog.find(productId)
			.filter(CatalogProduct::isSellable)
			.orElseThrow(SubscriptionProblems::notSellable);
		CatalogPlan target = product.plan(planId).orElseThrow(() -> SubscriptionProblems.notFound("plan " + planId));
		Object decided = this.transaction.execute((status) -> {
			Subscription s = locked(userId, id);
			if (s.status() != SubscriptionStatus.ACTIVE) {
				throw SubscriptionProblems.notActive("Only an active subscription can change its plan");
			}
			requireNoChargeInFlight(s);
			Instant now = this.clock.now();
			if (target.id().equals(s.planId())) {
				if (s.pendingPlan() == null) {
					throw SubscriptionProblems.invalid("planId", "is the current plan");
				}
				return this.subscriptions.update(s.change().pendingPlan(null).build(), now);
			}
			long from = s.billingPeriod().monthlyEquivalent(s.price());
			long to = target.billingPeriod().monthlyEquivalent(target.price());
			if (to <= from) {
				return this.subscriptions.update(s.change()
					.pendingPlan(new Subscription.PendingPlan(target.id(), target.name(), target.billingPeriod(),
							target.price()))
					.build(), now);
			}
			Payment proration = new Payment(UUID.randomUUID(), s.id(), s.userId(), s.sellerId(), s.productId(),
					prorate(s, from, to, now, this.clock.zone()), s.currency(), PaymentStatus.PENDING,
					Payment.PRORATION, s.currentPeriodStart(),
					this.payments.attempts(s.id(), s.currentPeriodStart(), Payment.PRORATION), s.paymentToken(),
					target.id(), null, now);
			insertCharge(proration, target);
			return proration;
		});
		if (decided instanceof Subscription changed) {
			return changed;
		}
		Charging.Settled settled = this.charging.charge((Payment) decided);
		switch (settled.result().outcome()) {
			case DECLINED -> throw SubscriptionProblems.declined(settled.result().reason());
			case UNAVAILABLE -> throw SubscriptionProblems.providerUnavailable();
			default -> {
				return settled.subscription();
			}
		}
	}

	/**
	 * The difference of the two monthly equivalents over the current period's months, for
	 * the part of the period still to run, rounded down. The months are the period's own,
	 * counted from its bounds, not the plan's: an upgrade changes the plan and keeps the
	 * period (monthly to yearly leaves a one-month period). Never more than the whole
	 * period's difference, even with {@code now} before the period began (a billing clock
	 * behind the stored period: a test clock reset by a restart).
	 */
	static long prorate(Subscription s, long fromMonthly, long toMonthly, Instant now, ZoneId zone) {
		Duration period = Duration.between(s.currentPeriodStart(), s.currentPeriodEnd());
		Duration remaining = Duration.between(now, s.currentPeriodEnd());
		if (remaining.isNegative() || period.isZero()) {
			return 0;
		}
		if (remaining.compareTo(period) > 0) {
			remaining = period;
		}
		Instant anchor = s.periodAnchor();
		long months = BillingPeriod.monthsFrom(zone, anchor, s.currentPeriodEnd())
				- BillingPeriod.monthsFrom(zone, anchor, s.currentPeriodStart());
		long difference = (toMonthly - fromMonthly) * months;
		return java.math.BigInteger.valueOf(difference)
			.multiply(java.math.BigInteger.valueOf(remaining.toMillis()))
			.divide(java.math.BigInteger.valueOf(period.toMillis()))
			.longValueExact();
	}

	/**
	 * Stores the new token; a past-due subscription is charged again at once with it (402
	 * when that is declined too; the token stays; a declined retry of the consumer's own
	 * does not count against the dunning schedule).
	 */
	Subscription replacePaymentMethod(UUID userId, UUID id, String token) {
		if (!this.provider.accepts(token)) {
			throw SubscriptionProblems.invalidToken();
		}
		Payment retry = this.transaction.execute((status) -> {
			Subscription s = locked(userId, id);
			requireLive(s);
			// A charge in flight uses the old method; the new one waits until it settled.
			requireNoChargeInFlight(s);
			Instant now = this.clock.now();
			Subscription updated = this.subscriptions.update(s.change().paymentToken(token).build(), now);
			if (updated.status() != SubscriptionStatus.PAST_DUE || !sellable(s.productId())) {
				// A product that no longer sells does not renew (API.md): the billing job
				// expires the subscription instead.
				return null;
			}
			Payment payment = new Payment(UUID.randomUUID(), s.id(), s.userId(), s.sellerId(), s.productId(),
					s.renewalPrice(), s.currency(), PaymentStatus.PENDING, Payment.RENEWAL, s.currentPeriodEnd(),
					this.payments.attempts(s.id(), s.currentPeriodEnd(), Payment.RENEWAL), token, s.renewalPlanId(),
					null, now);
			insertCharge(payment, null);
			return payment;
		});
		if (retry == null) {
			return find(userId, id);
		}
		Charging.Settled settled = this.charging.charge(retry);
		switch (settled.result().outcome()) {
			case DECLINED -> throw SubscriptionProblems.declined(settled.result().reason());
			// Nothing charged, the new method kept: the client says so and may retry
			// (a 200 would read as "paid").
			case UNAVAILABLE -> throw SubscriptionProblems.providerUnavailable();
			default -> {
				return settled.subscription();
			}
		}
	}

	private Subscription locked(UUID userId, UUID id) {
		return this.subscriptions.lock(id)
			.filter((s) -> s.userId().equals(userId) && s.status().isVisible())
			.orElseThrow(() -> SubscriptionProblems.notFound("subscription " + id));
	}

	private void insertCharge(Payment payment, CatalogPlan upgradeTarget) {
		try {
			this.payments.insertPending(payment, upgradeTarget);
		}
		catch (DuplicateKeyException ex) {
			throw SubscriptionProblems.chargeInProgress();
		}
	}

	private boolean sellable(UUID productId) {
		return this.catalog.find(productId).filter(CatalogProduct::isSellable).isPresent();
	}

	/** One charge at a time per subscription (also the database's rule). */
	private void requireNoChargeInFlight(Subscription s) {
		if (this.payments.hasPending(s.id())) {
			throw SubscriptionProblems.chargeInProgress();
		}
	}

	private static void requireLive(Subscription s) {
		if (!s.isLive()) {
			throw SubscriptionProblems.notActive("The subscription is " + s.status());
		}
	}

}
