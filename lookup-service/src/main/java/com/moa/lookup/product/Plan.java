package com.moa.lookup.product;

/**
 * A subscription plan of a product, as the seller last published it.
 */
public record Plan(String id, String name, String billingPeriod, long price, String currency) {

}
