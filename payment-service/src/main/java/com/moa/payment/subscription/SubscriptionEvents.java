package com.moa.payment.subscription;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.moa.payment.billing.BillingClock;
import com.moa.payment.payment.Payment;
import com.moa.platform.events.EventPublisher;

import org.springframework.stereotype.Component;

/**
 * Writes {@code subscription.*} and {@code payment.*} events (docs/events.md) to the
 * outbox, inside the transaction of the change. Every subscription event carries, besides
 * its own fields, the subscription's state after the change ({@code status}, price, plan,
 * period, the accepted terms version and the row {@code version}), so projections (the
 * seller dashboard, subscriber counts) can apply the newest state whatever order events
 * arrive in.
 */
@Component
public class SubscriptionEvents {

	private final EventPublisher events;

	private final BillingClock clock;

	SubscriptionEvents(EventPublisher events, BillingClock clock) {
		this.events = events;
		this.clock = clock;
	}

	public void activated(Subscription s) {
		publish("subscription.activated", s, Map.of());
	}

	public void renewed(Subscription s, UUID paymentId) {
		publish("subscription.renewed", s, Map.of("paymentId", paymentId));
	}

	public void pastDue(Subscription s, UUID paymentId) {
		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("paymentId", paymentId);
		extra.put("nextRetryAt", s.nextChargeAt());
		publish("subscription.past-due", s, extra);
	}

	public void planChanged(Subscription s, UUID fromPlanId, Instant effectiveAt) {
		publish("subscription.plan-changed", s,
				Map.of("fromPlanId", fromPlanId, "toPlanId", s.planId(), "effectiveAt", effectiveAt));
	}

	public void renewalUpcoming(Subscription s) {
		publish("subscription.renewal-upcoming", s,
				Map.of("renewsAt", s.currentPeriodEnd(), "renewalPrice", s.renewalPrice()));
	}

	public void canceled(Subscription s, boolean atPeriodEnd, Instant effectiveAt) {
		publish("subscription.canceled", s, Map.of("atPeriodEnd", atPeriodEnd, "effectiveAt", effectiveAt));
	}

	/** A period-end cancel withdrawn: the subscription renews again. */
	public void resumed(Subscription s) {
		publish("subscription.resumed", s, Map.of());
	}

	public void expired(Subscription s, Instant effectiveAt) {
		publish("subscription.expired", s, Map.of("effectiveAt", effectiveAt));
	}

	/**
	 * The current state, not a change (a backfill): only the data every event carries, so
	 * projections apply it by {@code version} and mail-service sends nothing for it. An
	 * ended one says when it ended ({@code effectiveAt}), so a projection that missed the
	 * end does not date it on the day of the backfill.
	 */
	public void snapshot(Subscription s) {
		Instant endedAt = endedAt(s);
		publish("subscription.snapshot", s, (endedAt != null) ? Map.of("effectiveAt", endedAt) : Map.of());
	}

	/**
	 * When an ended subscription ended, as its ending event said: a cancel at the period
	 * end, or the expiry of an active subscription, at the period end (processed then or
	 * later); any other ending (a cancel at once, an expiry after failed renewals) when
	 * it was made, its last change.
	 */
	static Instant endedAt(Subscription s) {
		boolean atPeriodEnd;
		if (s.status() == SubscriptionStatus.CANCELED) {
			atPeriodEnd = s.cancelAtPeriodEnd();
		}
		else if (s.status() == SubscriptionStatus.EXPIRED) {
			atPeriodEnd = s.pastDueSince() == null;
		}
		else {
			return null;
		}
		Instant periodEnd = s.currentPeriodEnd();
		// The earlier of the two: a cancel at once of one with a period-end cancel
		// pending kept the flag.
		return (atPeriodEnd && periodEnd != null && periodEnd.isBefore(s.updatedAt())) ? periodEnd : s.updatedAt();
	}

	/** {@code payment.succeeded} or {@code payment.failed}. */
	public void payment(Payment p, boolean succeeded, String reason, Instant at) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("paymentId", p.id());
		data.put("subscriptionId", p.subscriptionId());
		data.put("userId", p.userId());
		data.put("productId", p.productId());
		data.put("sellerId", p.sellerId());
		data.put("amount", p.amount());
		data.put("currency", p.currency());
		data.put("kind", p.kind());
		data.put("time", at);
		if (reason != null) {
			data.put("reason", reason);
		}
		this.events.publish(succeeded ? "payment.succeeded" : "payment.failed", p.id().toString(), data);
	}

	private void publish(String type, Subscription s, Map<String, Object> extra) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("subscriptionId", s.id());
		data.put("userId", s.userId());
		data.put("productId", s.productId());
		data.put("sellerId", s.sellerId());
		data.put("planId", s.planId());
		data.put("price", s.price());
		data.put("currency", s.currency());
		data.put("billingPeriod", s.billingPeriod().name());
		data.put("status", s.status().name());
		data.put("currentPeriodEnd", s.currentPeriodEnd());
		data.put("version", s.version());
		// The terms version the subscriber was shown (null: unknown), so mail-service
		// mails every later one, whenever the subscription became live.
		data.put("acceptedTermsVersion", s.acceptedTermsVersion());
		// Billing time of the change (the test clock moves it), for day-by-day
		// statistics.
		data.put("occurredAt", this.clock.now());
		data.putAll(extra);
		this.events.publish(type, s.id().toString(), data);
	}

}
