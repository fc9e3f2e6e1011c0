package com.moa.payment.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;

import jakarta.validation.constraints.NotNull;

import org.springframework.context.annotation.Profile;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The test clock (API.md): development only, absent under {@code prod}, never routed by
 * the gateway, behind the operator key like all of {@code /internal/**}. Advancing
 * returns once every renewal, dunning retry, period-end change and notice due by the new
 * time has run.
 */
@RestController
@RequestMapping("/internal/test-clock")
@Profile("!prod")
@Validated
class TestClockController {

	private static final Duration MAX_STEP = Duration.ofDays(3660);

	private final BillingClock clock;

	private final BillingJob billing;

	TestClockController(BillingClock clock, BillingJob billing) {
		this.clock = clock;
		this.billing = billing;
	}

	@GetMapping
	Now now() {
		return new Now(this.clock.now());
	}

	@PostMapping("/advance")
	Now advance(@RequestBody @jakarta.validation.Valid Advance request) {
		if (request.duration().isNegative() || request.duration().isZero()) {
			throw new InvalidInputException(List.of(new FieldError("duration", "must be positive")));
		}
		// Bounded so that billing times stay representable (Instant, PostgreSQL's
		// timestamptz): the offset is kept for the life of the process.
		if (request.duration().compareTo(MAX_STEP) > 0
				|| this.clock.now().plus(request.duration()).isAfter(Instant.parse("9000-01-01T00:00:00Z"))) {
			throw new InvalidInputException(
					List.of(new FieldError("duration", "must be at most " + MAX_STEP + " (and stay before 9000)")));
		}
		this.clock.advance(request.duration());
		this.billing.runUntilIdle();
		return new Now(this.clock.now());
	}

	record Now(Instant now) {
	}

	record Advance(@NotNull Duration duration) {
	}

}
