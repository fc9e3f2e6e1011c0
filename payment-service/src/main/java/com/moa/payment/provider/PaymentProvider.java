package com.moa.payment.provider;

import java.util.Optional;
import java.util.UUID;

/**
 * The port to a payment provider (the built-in {@code sandbox}; a real PG behind the same
 * port later). Every charge carries the payment's id as the provider's idempotency key:
 * charging a key twice charges once and answers the first outcome again.
 */
public interface PaymentProvider {

	/** Whether the provider knows this kind of payment-method token at all (else 400). */
	boolean accepts(String token);

	/** Charges, or answers the outcome a charge with this key already had. */
	ChargeResult charge(UUID idempotencyKey, String token, long amount, String currency);

	/**
	 * What the provider did with a key, if anything (the reconciler asks after a crash).
	 */
	Optional<ChargeResult> find(UUID idempotencyKey);

}
