package com.moa.payment.subscription;

/**
 * Where a subscription is in its life. PENDING (first charge running) and FAILED (first
 * charge failed) are internal and never shown to the consumer.
 */
public enum SubscriptionStatus {

	PENDING, ACTIVE, PAST_DUE, CANCELED, EXPIRED, FAILED;

	public boolean isVisible() {
		return this != PENDING && this != FAILED;
	}

}
