package com.moa.payment.payment;

import java.time.Instant;
import java.util.UUID;

/**
 * A charge (the row of {@code payments}).
 *
 * @param kind {@code INITIAL} (purchase), {@code RENEWAL} (a period, retried by dunning
 * with rising {@code attempt}) or {@code PRORATION} (an upgrade)
 * @param periodStart the start of the period the charge pays for
 * @param planId the plan the charge pays for (a renewal after a downgrade pays the new
 * one)
 */
public record Payment(UUID id, UUID subscriptionId, UUID userId, UUID sellerId, UUID productId, long amount,
		String currency, PaymentStatus status, String kind, Instant periodStart, int attempt, String paymentToken,
		UUID planId, String failureReason, Instant createdAt) {

	public static final String INITIAL = "INITIAL";

	public static final String RENEWAL = "RENEWAL";

	public static final String PRORATION = "PRORATION";

}
