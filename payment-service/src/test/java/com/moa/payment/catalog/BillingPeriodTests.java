package com.moa.payment.catalog;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BillingPeriodTests {

	@Test
	void monthlyPeriodsOfThe31stEndOnTheLastDayOfShortMonthsAndReturnToThe31st() {
		Instant anchor = Instant.parse("2027-01-31T10:15:00Z");

		Instant first = BillingPeriod.MONTHLY.end(anchor, anchor);
		Instant second = BillingPeriod.MONTHLY.end(anchor, first);
		Instant third = BillingPeriod.MONTHLY.end(anchor, second);

		assertThat(first).isEqualTo("2027-02-28T10:15:00Z");
		assertThat(second).isEqualTo("2027-03-31T10:15:00Z");
		assertThat(third).isEqualTo("2027-04-30T10:15:00Z");
		assertThat(BillingPeriod.MONTHLY.end(anchor, third)).isEqualTo("2027-05-31T10:15:00Z");
	}

	@Test
	void yearlyPeriodsOfTheLeapDayEndOnThe28thAndOnTheNextLeapDay() {
		Instant anchor = Instant.parse("2028-02-29T00:00:00Z");

		assertThat(BillingPeriod.YEARLY.end(anchor, anchor)).isEqualTo("2029-02-28T00:00:00Z");
		assertThat(BillingPeriod.YEARLY.end(anchor, Instant.parse("2031-02-28T00:00:00Z")))
			.isEqualTo("2032-02-29T00:00:00Z");
	}

	@Test
	void aPlanChangeFromMonthlyToYearlyKeepsTheAnchorDay() {
		Instant anchor = Instant.parse("2027-01-31T00:00:00Z");

		assertThat(BillingPeriod.YEARLY.end(anchor, Instant.parse("2027-02-28T00:00:00Z")))
			.isEqualTo("2028-02-29T00:00:00Z");
		assertThat(BillingPeriod.YEARLY.end(anchor, Instant.parse("2027-03-31T00:00:00Z")))
			.isEqualTo("2028-03-31T00:00:00Z");
	}

	@Test
	void monthsAreCountedFromTheAnchorAsPeriodsEnd() {
		Instant anchor = Instant.parse("2027-01-31T00:00:00Z");

		assertThat(BillingPeriod.monthsFrom(anchor, anchor)).isZero();
		assertThat(BillingPeriod.monthsFrom(anchor, Instant.parse("2027-02-27T00:00:00Z"))).isZero();
		assertThat(BillingPeriod.monthsFrom(anchor, Instant.parse("2027-02-28T00:00:00Z"))).isEqualTo(1);
		assertThat(BillingPeriod.monthsFrom(anchor, Instant.parse("2027-03-31T00:00:00Z"))).isEqualTo(2);
		assertThat(BillingPeriod.monthsFrom(anchor,
				BillingPeriod.YEARLY.end(anchor, Instant.parse("2027-02-28T00:00:00Z"))))
			.isEqualTo(13);
	}

}
