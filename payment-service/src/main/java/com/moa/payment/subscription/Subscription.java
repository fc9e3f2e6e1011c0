package com.moa.payment.subscription;

import java.time.Instant;
import java.util.UUID;

import com.moa.payment.catalog.BillingPeriod;

/**
 * A stored subscription (the row of {@code subscriptions}).
 *
 * @param billingAnchor the first period's start: periods end whole calendar months after
 * it ({@link BillingPeriod#end}); null before activation
 * @param acceptedTermsVersion the product's terms version the consumer was shown when
 * subscribing (fixed at purchase); null when the app did not say
 */
public record Subscription(UUID id, UUID userId, UUID productId, UUID sellerId, String productTitle, UUID planId,
		String planName, BillingPeriod billingPeriod, long price, String currency, SubscriptionStatus status,
		String paymentToken, Instant currentPeriodStart, Instant currentPeriodEnd, Instant nextChargeAt,
		boolean cancelAtPeriodEnd, PendingPlan pendingPlan, Instant pastDueSince, int dunningAttempts,
		Instant renewalNoticeFor, Instant billingAnchor, long version, Instant createdAt, Instant updatedAt,
		Integer acceptedTermsVersion) {

	/** A downgrade waiting for the period end. */
	public record PendingPlan(UUID planId, String name, BillingPeriod billingPeriod, long price) {
	}

	/** Price, plan and period of the next renewal (a pending downgrade applies). */
	public long renewalPrice() {
		return (this.pendingPlan != null) ? this.pendingPlan.price() : this.price;
	}

	/**
	 * The instant periods are counted from: the billing anchor, or for a row without one
	 * (activated before anchors were stored, or by an older instance) the current
	 * period's start.
	 */
	public Instant periodAnchor() {
		return (this.billingAnchor != null) ? this.billingAnchor : this.currentPeriodStart;
	}

	public UUID renewalPlanId() {
		return (this.pendingPlan != null) ? this.pendingPlan.planId() : this.planId;
	}

	public boolean isLive() {
		return this.status == SubscriptionStatus.ACTIVE || this.status == SubscriptionStatus.PAST_DUE;
	}

	/** A copy to change: {@code s.change().status(ACTIVE).build()}. */
	public Change change() {
		return new Change(this);
	}

	/** The fields a lifecycle step may change; the rest is fixed at purchase. */
	public static final class Change {

		private final Subscription base;

		private UUID planId;

		private String planName;

		private BillingPeriod billingPeriod;

		private long price;

		private SubscriptionStatus status;

		private String paymentToken;

		private Instant currentPeriodStart;

		private Instant currentPeriodEnd;

		private Instant nextChargeAt;

		private boolean cancelAtPeriodEnd;

		private PendingPlan pendingPlan;

		private Instant pastDueSince;

		private int dunningAttempts;

		private Instant renewalNoticeFor;

		private Instant billingAnchor;

		private Change(Subscription base) {
			this.base = base;
			this.planId = base.planId;
			this.planName = base.planName;
			this.billingPeriod = base.billingPeriod;
			this.price = base.price;
			this.status = base.status;
			this.paymentToken = base.paymentToken;
			this.currentPeriodStart = base.currentPeriodStart;
			this.currentPeriodEnd = base.currentPeriodEnd;
			this.nextChargeAt = base.nextChargeAt;
			this.cancelAtPeriodEnd = base.cancelAtPeriodEnd;
			this.pendingPlan = base.pendingPlan;
			this.pastDueSince = base.pastDueSince;
			this.dunningAttempts = base.dunningAttempts;
			this.renewalNoticeFor = base.renewalNoticeFor;
			this.billingAnchor = base.billingAnchor;
		}

		public Change planId(UUID planId) {
			this.planId = planId;
			return this;
		}

		public Change planName(String planName) {
			this.planName = planName;
			return this;
		}

		public Change billingPeriod(BillingPeriod billingPeriod) {
			this.billingPeriod = billingPeriod;
			return this;
		}

		public Change price(long price) {
			this.price = price;
			return this;
		}

		public Change status(SubscriptionStatus status) {
			this.status = status;
			return this;
		}

		public Change paymentToken(String paymentToken) {
			this.paymentToken = paymentToken;
			return this;
		}

		public Change currentPeriodStart(Instant currentPeriodStart) {
			this.currentPeriodStart = currentPeriodStart;
			return this;
		}

		public Change currentPeriodEnd(Instant currentPeriodEnd) {
			this.currentPeriodEnd = currentPeriodEnd;
			return this;
		}

		public Change nextChargeAt(Instant nextChargeAt) {
			this.nextChargeAt = nextChargeAt;
			return this;
		}

		public Change cancelAtPeriodEnd(boolean cancelAtPeriodEnd) {
			this.cancelAtPeriodEnd = cancelAtPeriodEnd;
			return this;
		}

		public Change pendingPlan(PendingPlan pendingPlan) {
			this.pendingPlan = pendingPlan;
			return this;
		}

		public Change pastDueSince(Instant pastDueSince) {
			this.pastDueSince = pastDueSince;
			return this;
		}

		public Change dunningAttempts(int dunningAttempts) {
			this.dunningAttempts = dunningAttempts;
			return this;
		}

		public Change renewalNoticeFor(Instant renewalNoticeFor) {
			this.renewalNoticeFor = renewalNoticeFor;
			return this;
		}

		public Change billingAnchor(Instant billingAnchor) {
			this.billingAnchor = billingAnchor;
			return this;
		}

		public Subscription build() {
			return new Subscription(this.base.id, this.base.userId, this.base.productId, this.base.sellerId,
					this.base.productTitle, this.planId, this.planName, this.billingPeriod, this.price,
					this.base.currency, this.status, this.paymentToken, this.currentPeriodStart, this.currentPeriodEnd,
					this.nextChargeAt, this.cancelAtPeriodEnd, this.pendingPlan, this.pastDueSince,
					this.dunningAttempts, this.renewalNoticeFor, this.billingAnchor, this.base.version,
					this.base.createdAt, this.base.updatedAt, this.base.acceptedTermsVersion);
		}

	}

}
