package com.moa.lookup.product;

import java.math.BigDecimal;

/**
 * A subscription plan of a product, as the seller last published it.
 */
public record Plan(String id, String name, String billingPeriod, BigDecimal price, String currency) {

}
