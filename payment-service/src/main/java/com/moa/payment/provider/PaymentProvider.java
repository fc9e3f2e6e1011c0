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

	/**
	 * Makes sure nothing is ever charged under a key the provider has no charge for: a
	 * request still on its way (a stalled thread, a slow connection) must not take the
	 * money after the reconciler settled the payment as "nothing charged". Answers the
	 * charge the key already had, if any (that one stands); empty when the key is now
	 * void, and a later charge under it answers {@link ChargeResult#UNAVAILABLE} without
	 * charging. A real provider does this by cancelling by key, or by a deadline sent
	 * with each charge.
	 */
	Optional<ChargeResult> voidUnlessCharged(UUID idempotencyKey);

}
