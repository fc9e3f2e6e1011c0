package com.moa.seller.product;

import java.util.UUID;

import com.moa.platform.web.TextRules;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * One plan in a create or update request.
 *
 * @param id optional: an existing plan's id keeps that plan (and its id, which
 * subscriptions refer to) when a product is updated
 * @param name the plan's name
 * @param billingPeriod MONTHLY or YEARLY
 * @param price in minor units of KRW, at least 0
 */
record PlanRequest(UUID id,
		@VisibleText @Size(max = 100) @Pattern(regexp = TextRules.NO_BIDI_CONTROLS,
				message = "must not contain bidirectional control characters") String name,
		@NotNull BillingPeriod billingPeriod, @NotNull @PositiveOrZero @Max(MAX_PRICE) Long price) {

	/**
	 * 10^12 minor units: every price stays an exact integer in JavaScript clients, and so
	 * do the dashboard's sums of any realistic number of them (docs/events.md).
	 */
	static final long MAX_PRICE = 1_000_000_000_000L;

}
