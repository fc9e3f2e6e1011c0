package com.moa.payment.catalog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A product as payment-service last heard of it.
 *
 * @param termsVersion its terms version then (null: not known yet, a snapshot from before
 * it was kept)
 */
public record CatalogProduct(UUID id, UUID sellerId, String title, String status, boolean removed,
		List<CatalogPlan> plans, Integer termsVersion) {

	/** Whether it takes new subscriptions and renews existing ones. */
	public boolean isSellable() {
		return !this.removed && "PUBLISHED".equals(this.status);
	}

	public Optional<CatalogPlan> plan(UUID planId) {
		return this.plans.stream().filter((plan) -> plan.id().equals(planId)).findFirst();
	}

}
