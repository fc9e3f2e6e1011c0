package com.moa.payment.billing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one clock of billing: purchases, periods, renewals, dunning and notices all read
 * it. Real time plus an offset that only a test clock may move
 * ({@code /internal/test-clock}, never under {@code prod}). Infrastructure (token expiry,
 * idempotency-key retention, the reconciler's threshold) keeps real time.
 */
public class BillingClock {

	private final Clock system;

	private final boolean adjustable;

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	public BillingClock(Clock system, boolean adjustable) {
		this.system = system;
		this.adjustable = adjustable;
	}

	/**
	 * Now, in microseconds (what PostgreSQL keeps), so stored and returned times agree.
	 */
	public Instant now() {
		return this.system.instant().plus(this.offset.get()).truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * The customers' calendar, in which periods are counted in months
	 * ({@code moa.payment.billing.time-zone}): bought on the 31st there, renewed on the
	 * last day of February there.
	 */
	public ZoneId zone() {
		return this.system.getZone();
	}

	/** Moves billing time forward (test clock only). */
	public Instant advance(Duration duration) {
		if (!this.adjustable) {
			throw new IllegalStateException("the billing clock is not adjustable here");
		}
		this.offset.accumulateAndGet(duration, Duration::plus);
		return now();
	}

	public boolean isAdjustable() {
		return this.adjustable;
	}

}
