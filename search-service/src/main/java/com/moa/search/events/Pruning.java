package com.moa.search.events;

import java.time.Clock;
import java.time.Instant;

import com.moa.search.SearchProperties;
import com.moa.search.history.SearchHistory;
import com.moa.search.popular.PopularKeywords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drops hourly counters, processed-event records and history deletion marks older than
 * {@code moa.search.retention} (8 days), hourly. Done here rather than by TTL indexes,
 * which the local test server accepts but ignores. Idempotent, so every instance may run
 * it.
 */
@Component
class Pruning {

	private static final Logger log = LoggerFactory.getLogger(Pruning.class);

	private final PopularKeywords popular;

	private final MongoInbox inbox;

	private final SearchProperties properties;

	private final Clock clock;

	private final SearchHistory history;

	Pruning(PopularKeywords popular, MongoInbox inbox, SearchHistory history, SearchProperties properties,
			Clock clock) {
		this.popular = popular;
		this.inbox = inbox;
		this.history = history;
		this.properties = properties;
		this.clock = clock;
	}

	@Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
	void prune() {
		Instant before = this.clock.instant().minus(this.properties.retention());
		try {
			long buckets = this.popular.prune(before);
			long events = this.inbox.prune(before);
			long deletions = this.history.pruneDeletions(before);
			if (buckets + events + deletions > 0) {
				log.info(
						"Pruned {} hourly counters, {} processed-event records and {} history deletion marks before {}",
						buckets, events, deletions, before);
			}
		}
		catch (DataAccessException ex) {
			log.warn("Pruning skipped: {}", ex.getMessage());
		}
	}

}
