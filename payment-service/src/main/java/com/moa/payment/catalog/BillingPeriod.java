package com.moa.payment.catalog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * How often a plan is charged.
 */
public enum BillingPeriod {

	MONTHLY(1), YEARLY(12);

	private final int months;

	BillingPeriod(int months) {
		this.months = months;
	}

	/**
	 * The end of a period starting at {@code start}, for a subscription whose periods are
	 * counted from {@code anchor}: calendar months (UTC) added to the anchor, never to
	 * the previous end, so a day the short months cut (the 29th to 31st) comes back after
	 * them. {@code start} is the anchor or a previous period's end.
	 */
	public Instant end(Instant anchor, Instant start) {
		ZonedDateTime from = anchor.atZone(ZoneOffset.UTC);
		ZonedDateTime at = start.atZone(ZoneOffset.UTC);
		// Whole months from the anchor to the start; one short when the start is a
		// month-end cut short (the 31st to the 28th counts as no whole month).
		long elapsed = Math.max(0, ChronoUnit.MONTHS.between(from, at));
		while (!from.plusMonths(elapsed + 1).isAfter(at)) {
			elapsed++;
		}
		return from.plusMonths(elapsed + this.months).toInstant();
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
