package com.moa.payment.subscription;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/subscriptions}.
 *
 * @param termsVersion the product's terms version the app showed when the consumer
 * subscribed (lookup's {@code termsVersion}); optional, older apps do not send it. Only
 * the client knows it: the catalog may have moved on while the consumer was reading, so
 * mail-service mails every later version (docs/events.md, {@code acceptedTermsVersion}).
 * Read as a long so that a value above the limit is a field error, not unreadable JSON.
 */
record SubscribeRequest(@NotNull UUID productId, @NotNull UUID planId, @NotNull @Valid PaymentMethod paymentMethod,
		@Min(1) @Max(Integer.MAX_VALUE) Long termsVersion) {

	/** A payment method as the provider's token. */
	record PaymentMethod(@NotBlank @Size(max = 100) String token) {
	}

}
