package com.moa.payment.payment;

/**
 * A charge's state; PENDING is internal (the provider is being asked) and never listed.
 */
public enum PaymentStatus {

	PENDING, SUCCEEDED, FAILED, REFUNDED

}
