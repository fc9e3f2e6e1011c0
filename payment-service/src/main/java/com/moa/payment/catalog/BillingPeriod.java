package com.moa.payment.catalog;

import java.time.Instant;
import java.time.ZoneId;
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
	 * counted from {@code anchor}: calendar months of the billing time zone (the
	 * customers' calendar) added to the anchor, never to the previous end, so a day the
	 * short months cut (the 29th to 31st) comes back after them. {@code start} is the
	 * anchor or a previous period's end.
	 */
	public Instant end(ZoneId zone, Instant anchor, Instant start) {
		return anchor.atZone(zone).plusMonths(monthsFrom(zone, anchor, start) + this.months).toInstant();
	}

	/**
	 * Whole calendar months (of {@code zone}) from {@code anchor} to {@code at} as
	 * periods count them: a period bound the short months cut counts as a whole month
	 * (from the 31st of January, the 28th of February is one month on).
	 */
	public static long monthsFrom(ZoneId zone, Instant anchor, Instant at) {
		ZonedDateTime from = anchor.atZone(zone);
		ZonedDateTime to = at.atZone(zone);
		// ChronoUnit counts the 31st to the 28th as no whole month: the loop counts it.
		long elapsed = Math.max(0, ChronoUnit.MONTHS.between(from, to));
		while (!from.plusMonths(elapsed + 1).isAfter(to)) {
			elapsed++;
		}
		return elapsed;
	}

	/**
	 * Whether a period from {@code start} to {@code end} is a whole one: at most three
	 * days short of {@code start} plus this period's months in {@code zone}. A start on
	 * its anchor's schedule always gives one (never shorter); a start that left it
	 * (counted in another time zone) may give the few days to the anchor's next day.
	 */
	public boolean isWhole(ZoneId zone, Instant start, Instant end) {
		return !end.isBefore(start.atZone(zone).plusMonths(this.months).minusDays(3).toInstant());
	}

	/**
	 * The price per month, rounded down, as the seller dashboard's MRR and plan changes
	 * compare plans.
	 */
	public long monthlyEquivalent(long price) {
		return price / this.months;
	}

}
