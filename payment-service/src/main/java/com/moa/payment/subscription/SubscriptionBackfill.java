package com.moa.payment.subscription;

import java.util.Map;

import com.moa.platform.events.Backfill;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Republishes every visible subscription as a {@code subscription.snapshot} of its
 * current state, for projections built only from {@code subscription.*} events (lookup's
 * subscriber counts, the seller dashboard, mail's recipients) that missed an event or
 * were restored from a dump of another moment (docs/operations.md). Projections apply a
 * snapshot only when its version is newer, so the ones that are up to date ignore it.
 * PENDING and FAILED subscriptions were never announced and stay unknown. One transaction
 * per batch of {@value #BATCH}; running it again is harmless.
 */
@Service
class SubscriptionBackfill {

	static final int BATCH = 200;

	private static final Logger log = LoggerFactory.getLogger(SubscriptionBackfill.class);

	private final SubscriptionRepository subscriptions;

	private final SubscriptionEvents events;

	private final TransactionTemplate transaction;

	SubscriptionBackfill(SubscriptionRepository subscriptions, SubscriptionEvents events,
			TransactionTemplate transaction) {
		this.subscriptions = subscriptions;
		this.events = events;
		this.transaction = transaction;
	}

	int republishAll() {
		int published = Backfill.republishAll(this.transaction, this.subscriptions::findAfter, BATCH, Subscription::id,
				this.events::snapshot);
		log.info("Backfill: {} subscription snapshots written to the outbox", published);
		return published;
	}

	/** {@code POST /internal/backfill/subscriptions}: operators only (operator key). */
	@RestController
	static class Endpoint {

		private final SubscriptionBackfill backfill;

		Endpoint(SubscriptionBackfill backfill) {
			this.backfill = backfill;
		}

		@PostMapping("/internal/backfill/subscriptions")
		Map<String, Integer> backfill() {
			return Map.of("published", this.backfill.republishAll());
		}

	}

}
