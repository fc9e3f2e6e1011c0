package com.moa.payment.subscription;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/subscriptions}.
 */
record SubscribeRequest(@NotNull UUID productId, @NotNull UUID planId, @NotNull @Valid PaymentMethod paymentMethod) {

	/** A payment method as the provider's token. */
	record PaymentMethod(@NotBlank @Size(max = 100) String token) {
	}

}
