package com.moa.auth.user;

import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/backfill/users}: operators only (operator key), never routed by
 * the gateway.
 */
@RestController
class UserBackfillController {

	private final UserBackfill backfill;

	UserBackfillController(UserBackfill backfill) {
		this.backfill = backfill;
	}

	@PostMapping("/internal/backfill/users")
	Map<String, Integer> backfill() {
		return Map.of("published", this.backfill.republishAll());
	}

}
