package com.moa.payment;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of payment-service ({@code moa.payment.*}).
 *
 * @param billing the renewal and dunning job
 * @param idempotency purchase idempotency keys
 * @param sandbox the built-in sandbox provider
 * @param reconcileAfter a charge still PENDING this long after it was requested is
 * resolved by asking the provider; must exceed the provider's longest answer time
 */
@Validated
@ConfigurationProperties("moa.payment")
public record PaymentProperties(@DefaultValue Billing billing, @DefaultValue Idempotency idempotency,
		@DefaultValue Sandbox sandbox, @DefaultValue("2m") Duration reconcileAfter) {

	/**
	 * @param interval pause between two runs of the billing job
	 * @param batchSize subscriptions claimed per round
	 * @param dunning when a failed renewal is retried, counted from the failure; after
	 * the last retry fails the subscription expires
	 * @param unavailableRetry when a renewal is tried again after the provider was
	 * unavailable (not a dunning attempt)
	 * @param renewalNotice how long before a renewal
	 * {@code subscription.renewal-upcoming} is published
	 * @param timeZone the customers' calendar, in which periods are counted in months
	 */
	public record Billing(@DefaultValue("10s") Duration interval, @DefaultValue("100") int batchSize, @DefaultValue( {
			"P1D", "P3D", "P5D" }) @NotEmpty List<Duration> dunning, @DefaultValue("1h") Duration unavailableRetry,
			@DefaultValue("P3D") Duration renewalNotice, @DefaultValue("Asia/Seoul") ZoneId timeZone){
	}

	/**
	 * @param retention how long a key and its response are kept (at least 24 h)
	 * @param inProgressWait how long a request waits for the first request with the same
	 * key before answering 409 {@code request-in-progress}
	 */
	public record Idempotency(@DefaultValue("25h") Duration retention, @DefaultValue("5s") Duration inProgressWait) {
	}

	/**
	 * @param latency how long each sandbox charge takes, so benchmarks see a realistic
	 * provider
	 */
	public record Sandbox(@DefaultValue("0ms") Duration latency) {
	}

}
