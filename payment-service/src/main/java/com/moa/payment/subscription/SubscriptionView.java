package com.moa.payment.subscription;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code Subscription} of API.md.
 */
public record SubscriptionView(UUID id, UUID productId, String productTitle, UUID planId, String planName,
		UUID pendingPlanId, SubscriptionStatus status, long price, String currency, String billingPeriod,
		Instant currentPeriodStart, Instant currentPeriodEnd, boolean cancelAtPeriodEnd, Instant createdAt) {

	public static SubscriptionView of(Subscription s) {
		return new SubscriptionView(s.id(), s.productId(), s.productTitle(), s.planId(), s.planName(),
				(s.pendingPlan() != null) ? s.pendingPlan().planId() : null, s.status(), s.price(), s.currency(),
				s.billingPeriod().name(), s.currentPeriodStart(), s.currentPeriodEnd(), s.cancelAtPeriodEnd(),
				s.createdAt());
	}

}
