package com.moa.payment.catalog;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * How often a plan is charged.
 */
public enum BillingPeriod {

	MONTHLY(1), YEARLY(12);

	private final int months;

	BillingPeriod(int months) {
		this.months = months;
	}

	/** The end of a period starting at {@code start} (calendar months, UTC). */
	public Instant after(Instant start) {
		return start.atZone(ZoneOffset.UTC).plusMonths(this.months).toInstant();
	}

	public int months() {
		return this.months;
	}

	/**
	 * The price per month, rounded down, as the seller dashboard's MRR and plan changes
	 * compare plans.
	 */
	public long monthlyEquivalent(long price) {
		return price / this.months;
	}

}
