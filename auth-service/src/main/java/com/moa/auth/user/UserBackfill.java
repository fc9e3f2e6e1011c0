package com.moa.auth.user;

import java.util.Map;

import com.moa.platform.events.Backfill;
import com.moa.platform.events.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Republishes a {@code user.updated} snapshot of every user, for a projection that starts
 * after users already exist or lost its data (docs/operations.md, "Backfilling a
 * projection"). Snapshots carry the row version, so projections that are up to date
 * ignore them. One transaction per batch: a large user base never holds one long
 * transaction, and an interrupted backfill can simply be run again.
 */
@Service
class UserBackfill {

	static final int BATCH = 500;

	private static final Logger log = LoggerFactory.getLogger(UserBackfill.class);

	private final UserRepository users;

	private final EventPublisher events;

	private final TransactionTemplate transaction;

	UserBackfill(UserRepository users, EventPublisher events, TransactionTemplate transaction) {
		this.users = users;
		this.events = events;
		this.transaction = transaction;
	}

	/** Writes one snapshot per user to the outbox; returns how many. */
	int republishAll() {
		int published = Backfill.republishAll(this.transaction, this.users::page, BATCH, User::id,
				(user) -> this.events.publish(UserUpdated.TYPE, user.id().toString(), UserUpdated.of(user)));
		log.info("Backfill: {} user.updated snapshots written to the outbox", published);
		return published;
	}

	/**
	 * {@code POST /internal/backfill/users}: operators only (operator key), never routed
	 * by the gateway.
	 */
	@RestController
	static class Endpoint {

		private final UserBackfill backfill;

		Endpoint(UserBackfill backfill) {
			this.backfill = backfill;
		}

		@PostMapping("/internal/backfill/users")
		Map<String, Integer> backfill() {
			return Map.of("published", this.backfill.republishAll());
		}

	}

}
