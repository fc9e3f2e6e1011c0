package com.moa.payment.subscription;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.FieldError;

import org.springframework.http.HttpStatus;

/**
 * The problems of the subscription API, each with its stable type.
 */
final class SubscriptionProblems {

	private SubscriptionProblems() {
	}

	static ApiProblemException notFound(String what) {
		return new ApiProblemException(HttpStatus.NOT_FOUND, "not-found", "Not Found", what + " was not found");
	}

	static ApiProblemException alreadySubscribed() {
		return new ApiProblemException(HttpStatus.CONFLICT, "already-subscribed", "Already subscribed",
				"You already have an active subscription to this product");
	}

	static ApiProblemException notActive(String detail) {
		return new ApiProblemException(HttpStatus.CONFLICT, "subscription-not-active", "Subscription not active",
				detail);
	}

	static ApiProblemException notSellable() {
		return new ApiProblemException(HttpStatus.CONFLICT, "product-not-sellable", "Product not sellable",
				"The product no longer takes plan changes; the subscription runs to its period end");
	}

	static ApiProblemException declined(String reason) {
		String type = "insufficient-funds".equals(reason) ? "insufficient-funds" : "card-declined";
		return new ApiProblemException(HttpStatus.PAYMENT_REQUIRED, type, "Payment declined",
				"insufficient-funds".equals(reason) ? "The payment method has insufficient funds"
						: "The payment method was declined");
	}

	static ApiProblemException providerUnavailable() {
		return new ApiProblemException(HttpStatus.SERVICE_UNAVAILABLE, "payment-provider-unavailable",
				"Payment provider unavailable", "The payment provider did not answer; nothing was charged, try again",
				Duration.ofSeconds(5));
	}

	static ApiProblemException invalidToken() {
		return invalid("paymentMethod.token", "is not a payment method the provider accepts");
	}

	static ApiProblemException invalid(String field, String message) {
		return new ApiProblemException(HttpStatus.BAD_REQUEST, "validation", "Validation failed",
				"The request has invalid fields") {
			@Override
			public Map<String, Object> getProperties() {
				return Map.of("errors", List.of(new FieldError(field, message)));
			}
		};
	}

	static ApiProblemException inProgress() {
		return retryShortly("request-in-progress", "Request in progress",
				"A request with this Idempotency-Key is still running; retry it shortly");
	}

	static ApiProblemException chargeInProgress() {
		return retryShortly("charge-in-progress", "Charge in progress",
				"A charge for this subscription is in progress; retry shortly");
	}

	static ApiProblemException purchaseInProgress() {
		return retryShortly("charge-in-progress", "Charge in progress",
				"Another purchase of this product is being charged; retry shortly");
	}

	/** A 409 that resolves itself within seconds: the client retries after 2 s. */
	private static ApiProblemException retryShortly(String type, String title, String detail) {
		return new ApiProblemException(HttpStatus.CONFLICT, type, title, detail, Duration.ofSeconds(2));
	}

	static ApiProblemException keyReused() {
		return new ApiProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
				"Idempotency-Key reused", "This Idempotency-Key was used with a different request body");
	}

}
