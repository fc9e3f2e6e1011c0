package com.moa.seller.product;

/**
 * How often a plan is charged.
 */
public enum BillingPeriod {

	MONTHLY, YEARLY

}
