package com.moa.payment.subscription;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import com.moa.platform.security.AuthenticatedUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's subscriptions (API.md "Subscriptions and payments"); another user's are
 * 404.
 */
@RestController
@RequestMapping("/api/subscriptions")
@Validated
class SubscriptionController {

	static final String REPLAYED = "Idempotent-Replayed";

	private final Purchases purchases;

	private final SubscriptionChanges changes;

	private final SubscriptionRepository subscriptions;

	SubscriptionController(Purchases purchases, SubscriptionChanges changes, SubscriptionRepository subscriptions) {
		this.purchases = purchases;
		this.changes = changes;
		this.subscriptions = subscriptions;
	}

	/** The stored answer is sent byte for byte, so a replay equals the first answer. */
	@PostMapping
	ResponseEntity<String> subscribe(@AuthenticationPrincipal AuthenticatedUser user,
			@RequestHeader("Idempotency-Key") @NotBlank @Size(max = 255) String key,
			@Valid @RequestBody SubscribeRequest request) {
		Purchases.Answer answer = this.purchases.purchase(user, key, request);
		ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.response().status())
			.contentType(
					answer.response().isProblem() ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON);
		if (answer.replayed()) {
			response.header(REPLAYED, "true");
		}
		if (answer.response().status() == 201) {
			String id = answer.response().body().replaceFirst("(?s)^\\{\"id\":\"([^\"]+)\".*", "$1");
			response.header(HttpHeaders.LOCATION, URI.create("/api/subscriptions/" + id).toString());
		}
		return response.body(answer.response().body());
	}

	@GetMapping
	List<SubscriptionView> list(@AuthenticationPrincipal AuthenticatedUser user,
			@RequestParam(required = false) SubscriptionStatus status) {
		if (status != null && !status.isVisible()) {
			throw SubscriptionProblems.invalid("status", "must be one of ACTIVE, PAST_DUE, CANCELED, EXPIRED");
		}
		return this.subscriptions.findVisible(user.id(), status).stream().map(SubscriptionView::of).toList();
	}

	@GetMapping("/{id}")
	SubscriptionView get(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
		return SubscriptionView.of(this.changes.find(user.id(), id));
	}

	@PostMapping("/{id}/cancel")
	SubscriptionView cancel(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id,
			@Valid @RequestBody CancelRequest request) {
		return SubscriptionView.of(this.changes.cancel(user.id(), id, request.atPeriodEnd()));
	}

	@PostMapping("/{id}/resume")
	SubscriptionView resume(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
		return SubscriptionView.of(this.changes.resume(user.id(), id));
	}

	@PostMapping("/{id}/change-plan")
	SubscriptionView changePlan(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id,
			@Valid @RequestBody ChangePlanRequest request) {
		return SubscriptionView.of(this.changes.changePlan(user.id(), id, request.planId()));
	}

	@PutMapping("/{id}/payment-method")
	SubscriptionView replacePaymentMethod(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id,
			@Valid @RequestBody PaymentMethodRequest request) {
		return SubscriptionView.of(this.changes.replacePaymentMethod(user.id(), id, request.paymentMethod().token()));
	}

	record CancelRequest(@NotNull Boolean atPeriodEnd) {
	}

	record ChangePlanRequest(@NotNull UUID planId) {
	}

	record PaymentMethodRequest(@NotNull @Valid SubscribeRequest.PaymentMethod paymentMethod) {
	}

}
