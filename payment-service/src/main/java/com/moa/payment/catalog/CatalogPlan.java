package com.moa.payment.catalog;

import java.util.UUID;

/**
 * A plan as the catalog sells it now.
 *
 * @param price integer minor units
 */
public record CatalogPlan(UUID id, String name, BillingPeriod billingPeriod, long price, String currency) {
}
