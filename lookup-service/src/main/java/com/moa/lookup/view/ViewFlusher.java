package com.moa.lookup.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.lookup.LookupProperties;
import com.moa.lookup.cache.RedisAvailability;
import com.moa.platform.events.EventPublisher;
import com.moa.platform.security.WarningLimit;
import io.github.resilience4j.ratelimiter.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Write-behind of view counts: every few seconds the totals of products viewed since the
 * last round are written to {@code catalog_products.view_count} (which {@code popular}
 * sorts by), and a {@code product.view-stats} event per changed product goes into the
 * outbox in the same transaction.
 *
 * <p>
 * A total is written as an absolute value and only if it is greater than the stored one,
 * so a round that is repeated after a crash, or runs on two instances at once, changes
 * nothing twice. A product leaves the dirty set only if its total did not change while it
 * was being written.
 */
@Component
class ViewFlusher {

	private static final Logger log = LoggerFactory.getLogger(ViewFlusher.class);

	/** Rounds per tick, so a large backlog cannot hold the scheduler thread for long. */
	private static final int MAX_ROUNDS = 50;

	// KEYS: totals, dirty set. ARGV: id1, written total1, id2, ... ('' for no total).
	private static final RedisScript<Long> CLEAN = RedisScript.of("""
			local cleaned = 0
			for i = 1, #ARGV, 2 do
			  local total = redis.call('HGET', KEYS[1], ARGV[i])
			  if (not total and ARGV[i + 1] == '') or total == ARGV[i + 1] then
			    redis.call('SREM', KEYS[2], ARGV[i])
			    cleaned = cleaned + 1
			  end
			end
			return cleaned
			""", Long.class);

	private final StringRedisTemplate redis;

	private final RedisAvailability availability;

	private final ViewCounter counter;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final EventPublisher events;

	private final int batchSize;

	/** One warning per 30 s, not one per round, while PostgreSQL is away. */
	private final RateLimiter failureWarnings = WarningLimit.oncePer(Duration.ofSeconds(30), "view-flush-warnings");

	/** Whether the last round failed; only the scheduler's thread runs rounds. */
	private boolean failing;

	ViewFlusher(StringRedisTemplate redis, RedisAvailability availability, ViewCounter counter, JdbcTemplate jdbc,
			TransactionTemplate transaction, EventPublisher events, LookupProperties properties) {
		this.redis = redis;
		this.availability = availability;
		this.counter = counter;
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.events = events;
		this.batchSize = properties.views().flushBatch();
	}

	/**
	 * Flushes the dirty products. PostgreSQL unreachable costs one warning per 30 s, not
	 * the scheduler's error with a stack trace every round: nothing is lost, the products
	 * stay dirty in Redis until a round gets through.
	 */
	@Scheduled(fixedDelayString = "${moa.lookup.views.flush-interval:PT2S}")
	void flush() {
		if (!this.availability.usable()) {
			return;
		}
		int flushed = 0;
		try {
			this.counter.addOfflineViews();
			for (int round = 0; round < MAX_ROUNDS; round++) {
				int taken = flushRound();
				flushed += taken;
				if (taken < this.batchSize) {
					break;
				}
			}
		}
		catch (DataAccessException | TransactionException ex) {
			this.failing = true;
			if (this.failureWarnings.acquirePermission()) {
				log.warn("View counts not flushed (they stay dirty in Redis; retried every round): {}",
						NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
			}
			return;
		}
		if (this.failing && flushed > 0) {
			this.failing = false;
			log.info("View counts flushed again");
		}
	}

	/** Flushes up to one batch of dirty products; returns how many it took. */
	int flushRound() {
		// Sorted: the rows are then locked in one order by every instance (in the set's
		// random order, two instances' rounds deadlocked over the same products).
		List<String> ids = this.availability.call(() -> this.redis.opsForSet()
			.distinctRandomMembers(ViewCounter.DIRTY_KEY, this.batchSize)
			.stream()
			.sorted()
			.toList(), List::of);
		if (ids.isEmpty()) {
			return 0;
		}
		List<Object> fields = new ArrayList<>(ids);
		List<Object> totals = this.availability
			.call(() -> this.redis.opsForHash().multiGet(ViewCounter.TOTALS_KEY, fields), List::of);
		if (totals.size() != ids.size()) {
			return 0;
		}
		Integer changed = this.transaction.execute((status) -> write(ids, totals));
		List<String> written = new ArrayList<>(ids.size() * 2);
		for (int i = 0; i < ids.size(); i++) {
			written.add(ids.get(i));
			written.add((totals.get(i) != null) ? (String) totals.get(i) : "");
		}
		this.availability.call(() -> this.redis.execute(CLEAN, List.of(ViewCounter.TOTALS_KEY, ViewCounter.DIRTY_KEY),
				written.toArray()), () -> 0L);
		log.debug("Flushed view counts of {} products, {} changed", ids.size(), changed);
		return ids.size();
	}

	private int write(List<String> ids, List<Object> totals) {
		List<UUID> products = new ArrayList<>();
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < ids.size(); i++) {
			if (totals.get(i) != null) {
				UUID productId = UUID.fromString(ids.get(i));
				long total = Long.parseLong((String) totals.get(i));
				products.add(productId);
				rows.add(new Object[] { total, productId, total });
			}
		}
		// One batch, one round trip; the counts say which rows grew.
		int[] updated = this.jdbc
			.batchUpdate("UPDATE catalog_products SET view_count = ? WHERE id = ? AND view_count < ?", rows);
		Instant asOf = Instant.now();
		int changed = 0;
		for (int i = 0; i < updated.length; i++) {
			if (updated[i] == 1) {
				UUID productId = products.get(i);
				this.events.publish("product.view-stats", productId.toString(),
						Map.of("productId", productId, "totalViews", rows.get(i)[0], "asOf", asOf));
				changed++;
			}
		}
		return changed;
	}

}
