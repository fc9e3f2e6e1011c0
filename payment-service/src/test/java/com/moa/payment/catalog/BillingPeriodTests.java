package com.moa.payment.catalog;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BillingPeriodTests {

	private static final ZoneId UTC = ZoneOffset.UTC;

	private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

	/**
	 * Bought at 00:30 on January 31st in Seoul, which is still the 30th in UTC: renewed
	 * on the last day of each month there. Counted in UTC months the same purchase
	 * renewed on March 1st, March 31st and May 1st in Seoul: no charge in February, two
	 * in March.
	 */
	@Test
	void periodsAreCalendarMonthsOfTheBillingTimeZone() {
		Instant anchor = Instant.parse("2025-01-30T15:30:00Z");

		Instant first = BillingPeriod.MONTHLY.end(SEOUL, anchor, anchor);
		Instant second = BillingPeriod.MONTHLY.end(SEOUL, anchor, first);
		Instant third = BillingPeriod.MONTHLY.end(SEOUL, anchor, second);

		assertThat(first.atZone(SEOUL).toLocalDateTime()).hasToString("2025-02-28T00:30");
		assertThat(second.atZone(SEOUL).toLocalDateTime()).hasToString("2025-03-31T00:30");
		assertThat(third.atZone(SEOUL).toLocalDateTime()).hasToString("2025-04-30T00:30");
		assertThat(BillingPeriod.monthsFrom(SEOUL, anchor, third)).isEqualTo(3);
		assertThat(BillingPeriod.MONTHLY.end(UTC, anchor, anchor).atZone(SEOUL).toLocalDate())
			.hasToString("2025-03-01");
	}

	@Test
	void monthlyPeriodsOfThe31stEndOnTheLastDayOfShortMonthsAndReturnToThe31st() {
		Instant anchor = Instant.parse("2027-01-31T10:15:00Z");

		Instant first = BillingPeriod.MONTHLY.end(UTC, anchor, anchor);
		Instant second = BillingPeriod.MONTHLY.end(UTC, anchor, first);
		Instant third = BillingPeriod.MONTHLY.end(UTC, anchor, second);

		assertThat(first).isEqualTo("2027-02-28T10:15:00Z");
		assertThat(second).isEqualTo("2027-03-31T10:15:00Z");
		assertThat(third).isEqualTo("2027-04-30T10:15:00Z");
		assertThat(BillingPeriod.MONTHLY.end(UTC, anchor, third)).isEqualTo("2027-05-31T10:15:00Z");
	}

	@Test
	void yearlyPeriodsOfTheLeapDayEndOnThe28thAndOnTheNextLeapDay() {
		Instant anchor = Instant.parse("2028-02-29T00:00:00Z");

		assertThat(BillingPeriod.YEARLY.end(UTC, anchor, anchor)).isEqualTo("2029-02-28T00:00:00Z");
		assertThat(BillingPeriod.YEARLY.end(UTC, anchor, Instant.parse("2031-02-28T00:00:00Z")))
			.isEqualTo("2032-02-29T00:00:00Z");
	}

	@Test
	void aPlanChangeFromMonthlyToYearlyKeepsTheAnchorDay() {
		Instant anchor = Instant.parse("2027-01-31T00:00:00Z");

		assertThat(BillingPeriod.YEARLY.end(UTC, anchor, Instant.parse("2027-02-28T00:00:00Z")))
			.isEqualTo("2028-02-29T00:00:00Z");
		assertThat(BillingPeriod.YEARLY.end(UTC, anchor, Instant.parse("2027-03-31T00:00:00Z")))
			.isEqualTo("2028-03-31T00:00:00Z");
	}

	@Test
	void monthsAreCountedFromTheAnchorAsPeriodsEnd() {
		Instant anchor = Instant.parse("2027-01-31T00:00:00Z");

		assertThat(BillingPeriod.monthsFrom(UTC, anchor, anchor)).isZero();
		assertThat(BillingPeriod.monthsFrom(UTC, anchor, Instant.parse("2027-02-27T00:00:00Z"))).isZero();
		assertThat(BillingPeriod.monthsFrom(UTC, anchor, Instant.parse("2027-02-28T00:00:00Z"))).isEqualTo(1);
		assertThat(BillingPeriod.monthsFrom(UTC, anchor, Instant.parse("2027-03-31T00:00:00Z"))).isEqualTo(2);
		assertThat(BillingPeriod.monthsFrom(UTC, anchor,
				BillingPeriod.YEARLY.end(UTC, anchor, Instant.parse("2027-02-28T00:00:00Z"))))
			.isEqualTo(13);
	}

	/**
	 * Bought at 01:00 on March 1st in Seoul (still February 28th in UTC), renewed in UTC
	 * months on May 28th (the 29th in Seoul): counted on from its anchor in Seoul months
	 * that period would end on June 1st, three days later: not whole. Started on its
	 * schedule (April 1st in Seoul), it ends May 1st: whole.
	 */
	@Test
	void aPeriodFallingFarShortOfItsMonthsIsNotWhole() {
		Instant anchor = Instant.parse("2026-02-28T16:00:00Z");
		Instant offSchedule = Instant.parse("2026-05-28T16:00:00Z");
		Instant onSchedule = Instant.parse("2026-03-31T16:00:00Z");

		Instant shortEnd = BillingPeriod.MONTHLY.end(SEOUL, anchor, offSchedule);
		assertThat(shortEnd).isEqualTo("2026-05-31T16:00:00Z");
		assertThat(BillingPeriod.MONTHLY.isWhole(SEOUL, offSchedule, shortEnd)).isFalse();
		assertThat(
				BillingPeriod.MONTHLY.isWhole(SEOUL, onSchedule, BillingPeriod.MONTHLY.end(SEOUL, anchor, onSchedule)))
			.isTrue();
		// The 31st's: from February 28th to March 31st, longer than start plus a month.
		Instant the31st = Instant.parse("2027-01-30T16:00:00Z");
		Instant february = BillingPeriod.MONTHLY.end(SEOUL, the31st, the31st);
		assertThat(BillingPeriod.MONTHLY.isWhole(SEOUL, february, BillingPeriod.MONTHLY.end(SEOUL, the31st, february)))
			.isTrue();
		assertThat(BillingPeriod.YEARLY.isWhole(SEOUL, offSchedule,
				BillingPeriod.YEARLY.end(SEOUL, offSchedule, offSchedule)))
			.isTrue();
	}

}
