package com.moa.payment.provider;

/**
 * What a provider answered.
 *
 * @param outcome succeeded, declined (final) or unavailable (nothing charged; try again)
 * @param reason for a decline {@code card-declined} or {@code insufficient-funds}; for
 * unavailable {@code provider-unavailable}
 */
public record ChargeResult(Outcome outcome, String reason) {

	public static final ChargeResult SUCCEEDED = new ChargeResult(Outcome.SUCCEEDED, null);

	public static final ChargeResult UNAVAILABLE = new ChargeResult(Outcome.UNAVAILABLE, "provider-unavailable");

	public static ChargeResult declined(String reason) {
		return new ChargeResult(Outcome.DECLINED, reason);
	}

	public enum Outcome {

		SUCCEEDED, DECLINED, UNAVAILABLE

	}

}
