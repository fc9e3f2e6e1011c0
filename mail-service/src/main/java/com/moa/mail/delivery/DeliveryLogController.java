package com.moa.mail.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.mail.delivery.Deliveries.Delivery;
import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The delivery log for operators (not routed by the gateway; {@code X-Operator-Key}):
 * "did user X get terms v3?" is
 * {@code GET /internal/deliveries?recipient=X&kind=TERMS_CHANGED}.
 */
@RestController
@RequestMapping("/internal/deliveries")
@Validated
class DeliveryLogController {

	private final Deliveries deliveries;

	DeliveryLogController(Deliveries deliveries) {
		this.deliveries = deliveries;
	}

	/**
	 * Mail to one person, newest first.
	 * @param recipient the user's id
	 * @param email or their address (now or when sent)
	 * @param kind only this kind of mail
	 * @param limit at most this many (1..500)
	 */
	@GetMapping
	List<DeliveryView> find(@RequestParam(required = false) UUID recipient,
			@RequestParam(required = false) @Size(max = 254) String email,
			@RequestParam(required = false) MailKind kind,
			@RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit) {
		if (recipient == null && (email == null || email.isBlank())) {
			throw new InvalidInputException(List.of(new FieldError("recipient", "recipient or email is required")));
		}
		return this.deliveries.find(recipient, (email == null || email.isBlank()) ? null : email, kind, limit)
			.stream()
			.map(this::view)
			.toList();
	}

	private DeliveryView view(Delivery delivery) {
		Map<String, Object> payload = delivery.variables();
		return new DeliveryView(delivery.id(), delivery.kind(), delivery.sourceKey(), delivery.recipientId(),
				delivery.email(), delivery.status(), delivery.attempts(), delivery.lastError(), delivery.messageId(),
				(String) payload.get("productId"),
				(payload.get("termsVersion") instanceof Number version) ? version.longValue() : null,
				delivery.createdAt(), delivery.sentAt(), delivery.waitingSince());
	}

	/**
	 * One mail to one person.
	 *
	 * @param sourceKey what it is about (user, subscription, payment, or
	 * product:termsVersion)
	 * @param email the address it went to (once sent)
	 * @param status QUEUED, SENDING, SENT or FAILED
	 * @param lastError why the last attempt failed
	 * @param messageId the Message-ID header every attempt carried
	 * @param waitingSince since when it has waited for a late user.*, product.* or
	 * payment.failed event ({@code null}: it does not)
	 */
	record DeliveryView(UUID id, MailKind kind, String sourceKey, UUID recipientId, String email, String status,
			int attempts, String lastError, String messageId, String productId, Long termsVersion, Instant createdAt,
			Instant sentAt, Instant waitingSince) {
	}

}
