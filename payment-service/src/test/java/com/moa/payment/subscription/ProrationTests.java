package com.moa.payment.subscription;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

import com.moa.payment.catalog.BillingPeriod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProrationTests {

	private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");

	// February 5th to March 5th (in Seoul): 28 days.
	private static final Instant START = Instant.parse("2026-02-04T15:00:00Z");

	private static final Instant END = Instant.parse("2026-03-04T15:00:00Z");

	@Test
	void theRestOfThePeriodIsChargedRoundedDown() {
		Instant halfway = Instant.parse("2026-02-18T15:00:00Z");
		assertThat(SubscriptionChanges.prorate(monthly(), 10_000, 20_001, halfway, SEOUL)).isEqualTo(5_000);
		assertThat(SubscriptionChanges.prorate(monthly(), 10_000, 20_000, END, SEOUL)).isZero();
		assertThat(SubscriptionChanges.prorate(monthly(), 10_000, 20_000, END.plusSeconds(1), SEOUL)).isZero();
	}

	/**
	 * A billing clock behind the stored period (the test clock's offset is lost on a
	 * restart) charged 10,000 × 59 / 28 = 21,071 for a 10,000 difference: never more than
	 * the whole period's.
	 */
	@Test
	void neverMoreThanTheWholePeriodsDifference() {
		Instant monthBefore = Instant.parse("2026-01-05T15:00:00Z");
		assertThat(SubscriptionChanges.prorate(monthly(), 10_000, 20_000, monthBefore, SEOUL)).isEqualTo(10_000);
		assertThat(SubscriptionChanges.prorate(monthly(), 10_000, 20_000, START, SEOUL)).isEqualTo(10_000);
	}

	private static Subscription monthly() {
		return new Subscription(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "Yoga",
				UUID.randomUUID(), "Monthly", BillingPeriod.MONTHLY, 10_000, "KRW", SubscriptionStatus.ACTIVE, "tok_ok",
				START, END, END, false, null, null, 0, null, Instant.parse("2026-01-04T15:00:00Z"), 1, START, START,
				null);
	}

}
