package com.moa.payment.payment;

import java.time.Instant;
import java.util.UUID;

import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.web.PageQuery;
import com.moa.platform.web.PageResponse;
import jakarta.validation.Valid;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/payments}: the caller's charges, newest first.
 */
@RestController
class PaymentController {

	private final PaymentRepository payments;

	PaymentController(PaymentRepository payments) {
		this.payments = payments;
	}

	@GetMapping("/api/payments")
	PageResponse<PaymentView> list(@AuthenticationPrincipal AuthenticatedUser user, @Valid PageQuery page) {
		int size = page.sizeOrDefault();
		int number = page.pageOrDefault();
		return PageResponse.of(
				this.payments.findVisible(user.id(), (long) number * size, size).stream().map(PaymentView::of).toList(),
				number, size, this.payments.countVisible(user.id()));
	}

	/** A charge as API.md shows it. */
	record PaymentView(UUID id, UUID subscriptionId, long amount, String currency, PaymentStatus status,
			String failureReason, Instant createdAt) {

		static PaymentView of(Payment p) {
			return new PaymentView(p.id(), p.subscriptionId(), p.amount(), p.currency(), p.status(), p.failureReason(),
					p.createdAt());
		}

	}

}
