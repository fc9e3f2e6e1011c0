package com.moa.payment.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.moa.payment.PaymentProperties;
import com.moa.payment.catalog.BillingPeriod;
import com.moa.payment.catalog.CatalogPlan;
import com.moa.payment.payment.Payment;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.payment.PaymentStatus;
import com.moa.payment.provider.ChargeResult;
import com.moa.payment.provider.PaymentProvider;
import com.moa.payment.subscription.Subscription;
import com.moa.payment.subscription.SubscriptionEvents;
import com.moa.payment.subscription.SubscriptionRepository;
import com.moa.payment.subscription.SubscriptionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every charge takes the same path: its PENDING row is already committed (with the
 * payment id as the provider's idempotency key); the provider is asked outside any
 * transaction; then {@link #settle} moves the row out of PENDING and applies the outcome
 * to the subscription in one transaction, with its events. A crash between the provider's
 * answer and that commit leaves the row PENDING for the {@link Reconciler}, which asks
 * the provider again (same key: no second charge) and settles the same way.
 */
@Service
public class Charging {

	private static final Logger log = LoggerFactory.getLogger(Charging.class);

	private final PaymentProvider provider;

	private final PaymentRepository payments;

	private final SubscriptionRepository subscriptions;

	private final SubscriptionEvents events;

	private final TransactionTemplate transaction;

	private final BillingClock clock;

	private final List<Duration> dunning;

	private final Duration unavailableRetry;

	Charging(PaymentProvider provider, PaymentRepository payments, SubscriptionRepository subscriptions,
			SubscriptionEvents events, TransactionTemplate transaction, BillingClock clock,
			PaymentProperties properties) {
		this.provider = provider;
		this.payments = payments;
		this.subscriptions = subscriptions;
		this.events = events;
		this.transaction = transaction;
		this.clock = clock;
		this.dunning = properties.billing().dunning();
		this.unavailableRetry = properties.billing().unavailableRetry();
	}

	/**
	 * Asks the provider to charge a committed PENDING payment and settles the outcome.
	 * The row is stamped as requested just before the call, so the reconciler, which
	 * judges only charges requested longer ago than any provider answer takes, never
	 * settles one that is at the provider right now (a billing batch may reach its last
	 * charge minutes after claiming it); one the reconciler settled meanwhile is not sent
	 * at all.
	 */
	public Settled charge(Payment pending) {
		if (!this.payments.markRequested(pending.id())) {
			Payment resolved = this.payments.find(pending.id()).orElseThrow();
			Subscription subscription = this.subscriptions.find(pending.subscriptionId()).orElseThrow();
			return new Settled(resolved, subscription, resultOf(resolved), false);
		}
		ChargeResult result = isFree(pending) ? ChargeResult.SUCCEEDED
				: this.provider.charge(pending.id(), pending.paymentToken(), pending.amount(), pending.currency());
		return settle(pending, result);
	}

	/**
	 * Nothing to take (a free plan; an upgrade whose period has run out): providers
	 * refuse zero-amount charges and none is needed, so it is never sent and is settled
	 * as paid.
	 */
	public static boolean isFree(Payment payment) {
		return payment.amount() == 0;
	}

	/**
	 * Applies a provider's answer: resolves the payment (once; a second settle finds it
	 * resolved and changes nothing) and moves the subscription accordingly.
	 */
	public Settled settle(Payment pending, ChargeResult result) {
		return settle(pending, result, null);
	}

	/**
	 * The reconciler's settle of a charge the provider has no record of: "nothing
	 * charged", but only if the charge has not been handed to the provider again within
	 * {@code requestedBefore} (then it changes nothing and says so).
	 */
	public Settled settleIfRequestedBefore(Payment pending, ChargeResult result, Duration requestedBefore) {
		return settle(pending, result, requestedBefore);
	}

	private Settled settle(Payment pending, ChargeResult result, Duration requestedBefore) {
		return this.transaction.execute((status) -> {
			// Subscription first, then payment: the billing job locks in the same order.
			Subscription before = this.subscriptions.lock(pending.subscriptionId()).orElseThrow();
			boolean succeeded = result.outcome() == ChargeResult.Outcome.SUCCEEDED;
			PaymentStatus outcome = succeeded ? PaymentStatus.SUCCEEDED : PaymentStatus.FAILED;
			boolean resolved = (requestedBefore != null)
					? this.payments.resolveIfRequestedBefore(pending.id(), requestedBefore, outcome, result.reason())
					: this.payments.resolve(pending.id(), outcome, result.reason());
			if (!resolved) {
				Payment current = this.payments.find(pending.id()).orElseThrow();
				return new Settled(current, before, resultOf(current), false);
			}
			Instant now = this.clock.now();
			Subscription after = switch (pending.kind()) {
				case Payment.INITIAL -> initial(before, result, now);
				case Payment.RENEWAL -> renewal(before, pending, result, now);
				case Payment.PRORATION -> proration(before, pending, result, now);
				default -> throw new IllegalStateException("unknown payment kind " + pending.kind());
			};
			if (result.outcome() != ChargeResult.Outcome.UNAVAILABLE) {
				this.events.payment(pending, succeeded, result.reason(), now);
			}
			return new Settled(this.payments.find(pending.id()).orElseThrow(), after, result, true);
		});
	}

	private Subscription initial(Subscription s, ChargeResult result, Instant now) {
		if (result.outcome() != ChargeResult.Outcome.SUCCEEDED) {
			return this.subscriptions.update(s.change().status(SubscriptionStatus.FAILED).build(), now);
		}
		Instant end = s.billingPeriod().end(this.clock.zone(), now, now);
		Subscription active = this.subscriptions.update(s.change()
			.status(SubscriptionStatus.ACTIVE)
			.billingAnchor(now)
			.currentPeriodStart(now)
			.currentPeriodEnd(end)
			.nextChargeAt(end)
			.build(), now);
		this.events.activated(active);
		return active;
	}

	private Subscription renewal(Subscription s, Payment payment, ChargeResult result, Instant now) {
		if (!s.isLive()) {
			// Changes wait while a charge is in flight (409 charge-in-progress), so this
			// is a bug, not a race: keep the money on record (the payment settles) for a
			// refund, and do not bring the subscription back.
			log.error("Renewal charge {} settled {} on subscription {} that is {}; subscription left as it is",
					payment.id(), result.outcome(), s.id(), s.status());
			return s;
		}
		// The consumer's own retry with a new payment method, ahead of the next scheduled
		// one: if it fails, the dunning schedule (API.md: after 1, 3 and 5 days) stays.
		boolean ownRetry = s.status() == SubscriptionStatus.PAST_DUE && s.nextChargeAt() != null
				&& payment.createdAt().isBefore(s.nextChargeAt());
		switch (result.outcome()) {
			case SUCCEEDED -> {
				Subscription.Change change = s.change();
				UUID fromPlan = s.planId();
				// The plan the money was taken for: a pending downgrade only if this
				// charge paid for it.
				if (s.pendingPlan() != null && s.pendingPlan().planId().equals(payment.planId())) {
					Subscription.PendingPlan next = s.pendingPlan();
					change.planId(next.planId())
						.planName(next.name())
						.billingPeriod(next.billingPeriod())
						.price(next.price())
						.pendingPlan(null);
				}
				Subscription switched = change.build();
				Instant start = payment.periodStart();
				// Counted from this start instead of the anchor: a row without one
				// (it stops drifting), and one whose anchor would make this period a
				// few days long, charged in full (its start left the anchor's schedule:
				// counted in UTC months before the billing time zone). Otherwise the
				// anchor stays and the customer keeps their billing day.
				BillingPeriod period = switched.billingPeriod();
				Instant anchor = switched.periodAnchor();
				if (anchor == null
						|| !period.isWhole(this.clock.zone(), start, period.end(this.clock.zone(), anchor, start))) {
					anchor = start;
				}
				Instant end = period.end(this.clock.zone(), anchor, start);
				Subscription renewed = this.subscriptions.update(switched.change()
					.status(SubscriptionStatus.ACTIVE)
					.billingAnchor(anchor)
					.currentPeriodStart(start)
					.currentPeriodEnd(end)
					.nextChargeAt(end)
					.pastDueSince(null)
					.dunningAttempts(0)
					.build(), now);
				if (!fromPlan.equals(renewed.planId())) {
					this.events.planChanged(renewed, fromPlan, start);
				}
				this.events.renewed(renewed, payment.id());
				return renewed;
			}
			case DECLINED -> {
				if (s.status() == SubscriptionStatus.ACTIVE) {
					Subscription pastDue = this.subscriptions.update(s.change()
						.status(SubscriptionStatus.PAST_DUE)
						.pastDueSince(now)
						.dunningAttempts(0)
						.nextChargeAt(now.plus(this.dunning.get(0)))
						.build(), now);
					this.events.pastDue(pastDue, payment.id());
					return pastDue;
				}
				if (ownRetry) {
					return s;
				}
				int retriesDone = s.dunningAttempts() + 1;
				if (retriesDone >= this.dunning.size()) {
					Subscription expired = this.subscriptions.update(s.change()
						.status(SubscriptionStatus.EXPIRED)
						.nextChargeAt(null)
						.dunningAttempts(retriesDone)
						.build(), now);
					this.events.expired(expired, now);
					return expired;
				}
				// On the schedule from when it fell due, but never sooner after this
				// retry than the schedule's own gap: a retry that ran late (an outage)
				// must not be followed by the rest at once, declining the card several
				// times in seconds and expiring with no grace.
				Duration gap = this.dunning.get(retriesDone).minus(this.dunning.get(retriesDone - 1));
				Instant scheduled = s.pastDueSince().plus(this.dunning.get(retriesDone));
				Instant next = scheduled.isBefore(now.plus(gap)) ? now.plus(gap) : scheduled;
				return this.subscriptions.update(s.change().dunningAttempts(retriesDone).nextChargeAt(next).build(),
						now);
			}
			default -> {
				if (ownRetry) {
					return s;
				}
				// The provider is down: nothing was charged; try again later, outside
				// dunning.
				return this.subscriptions.update(s.change().nextChargeAt(now.plus(this.unavailableRetry)).build(), now);
			}
		}
	}

	private Subscription proration(Subscription s, Payment payment, ChargeResult result, Instant now) {
		if (result.outcome() != ChargeResult.Outcome.SUCCEEDED) {
			return s;
		}
		// The plan as priced when it was charged: the seller may have changed it since
		// (a reconciler's settle comes minutes later).
		CatalogPlan target = this.payments.upgradeTarget(payment).orElse(null);
		if (target == null) {
			log.error("Upgrade charge {} succeeded but records no plan; subscription {} keeps plan {}", payment.id(),
					s.id(), s.planId());
			return s;
		}
		UUID fromPlan = s.planId();
		Subscription upgraded = this.subscriptions.update(s.change()
			.planId(target.id())
			.planName(target.name())
			.billingPeriod(target.billingPeriod())
			.price(target.price())
			.pendingPlan(null)
			.build(), now);
		this.events.planChanged(upgraded, fromPlan, now);
		return upgraded;
	}

	/** What the provider answered for a resolved charge, as recorded. */
	public static ChargeResult resultOf(Payment resolved) {
		if (resolved.status() == PaymentStatus.SUCCEEDED) {
			return ChargeResult.SUCCEEDED;
		}
		return "provider-unavailable".equals(resolved.failureReason()) ? ChargeResult.UNAVAILABLE
				: ChargeResult.declined(resolved.failureReason());
	}

	/**
	 * A settled charge.
	 *
	 * @param payment the payment after settling
	 * @param subscription the subscription after settling
	 * @param result the provider's answer
	 * @param byThisCall false when someone else had settled it already
	 */
	public record Settled(Payment payment, Subscription subscription, ChargeResult result, boolean byThisCall) {
	}

}
