package com.moa.seller.product;

import java.util.UUID;

/**
 * A plan of a product as stored, shown and published.
 *
 * @param id stable plan id (subscriptions refer to it)
 * @param name the plan's name
 * @param billingPeriod how often it is charged
 * @param price amount in minor units
 * @param currency ISO currency, {@code KRW}
 */
public record Plan(UUID id, String name, BillingPeriod billingPeriod, long price, String currency) {

	static final String CURRENCY = "KRW";

}
