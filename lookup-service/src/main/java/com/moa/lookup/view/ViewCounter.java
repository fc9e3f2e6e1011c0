package com.moa.lookup.view;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.lookup.cache.RedisAvailability;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * View counts, one per viewer per product and window, with Redis taking the writes.
 *
 * <p>
 * {@link ViewMarkers} decides whether the viewer is new within the window; only then is
 * the product's <em>total</em> (the count PostgreSQL has plus the views not flushed yet)
 * incremented in the hash {@value #TOTALS_KEY} of the main Redis, and the product marked
 * dirty, by one script, so concurrent increments are never lost. {@link ViewFlusher}
 * writes totals to PostgreSQL as absolute values, which makes a repeated or concurrent
 * flush harmless.
 *
 * <p>
 * A total starts from PostgreSQL's count (the first view ever, or after Redis lost its
 * data). While the main Redis is unreachable, views are held by {@link OfflineViews} and
 * added when it returns, exactly once. One case still counts a view twice: an
 * {@code INCREMENT} that Redis executed but whose reply was lost (a timeout) is held as
 * well; making it idempotent would cost a key write per view on the hot path.
 */
@Component
public class ViewCounter {

	static final String TOTALS_KEY = "lookup:views:total";

	static final String DIRTY_KEY = "lookup:views:dirty";

	/**
	 * Where the previous release kept its markers, in the main Redis. Still honoured, so
	 * a viewer it counted is not counted again after the upgrade; unused once the window
	 * has passed (remove in the next release). Not written: an old instance still running
	 * during a rolling update counts again a viewer a new one counted.
	 */
	static final String LEGACY_MARKER_PREFIX = "lookup:views:viewer:";

	/** The script's answer when the product has no total yet and no base was given. */
	private static final long NEEDS_BASE = -1;

	// KEYS: totals, dirty set, legacy marker. ARGV: product id, base total ('' when not
	// read yet). Returns the product's total, or -1 when it needs the base.
	private static final RedisScript<Long> INCREMENT = RedisScript.of("""
			local total = redis.call('HGET', KEYS[1], ARGV[1])
			if not total then
			  if ARGV[2] == '' then return -1 end
			  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
			  total = ARGV[2]
			end
			if redis.call('EXISTS', KEYS[3]) == 1 then return tonumber(total) end
			redis.call('SADD', KEYS[2], ARGV[1])
			return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
			""", Long.class);

	// KEYS: totals, dirty set, batch marker. ARGV: product id, views, base total ('' when
	// not read yet). Adds a batch of views counted while Redis was down, unless it was
	// added before (its reply lost). Returns the total, 0 for a repeated batch, -1 when
	// it
	// needs the base.
	private static final RedisScript<Long> ADD = RedisScript.of("""
			if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
			if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
			  if ARGV[3] == '' then return -1 end
			  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
			end
			redis.call('SET', KEYS[3], '1', 'EX', 86400)
			redis.call('SADD', KEYS[2], ARGV[1])
			return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
			""", Long.class);

	/**
	 * Marks a batch of offline views as added, for a day (it is resent within seconds).
	 */
	static final String BATCH_PREFIX = "lookup:views:batch:";

	private final StringRedisTemplate redis;

	private final RedisAvailability availability;

	private final JdbcClient jdbc;

	private final ViewMarkers markers;

	private final OfflineViews offline;

	ViewCounter(StringRedisTemplate redis, RedisAvailability availability, JdbcClient jdbc, ViewMarkers markers,
			OfflineViews offline) {
		this.redis = redis;
		this.availability = availability;
		this.jdbc = jdbc;
		this.markers = markers;
		this.offline = offline;
	}

	/**
	 * Counts the view unless this viewer has been counted for this product within the
	 * window.
	 * @param productId a visible product
	 * @param viewer {@code u:<user id>} or {@code v:<moa_vid>}
	 * @return the product's count including this view, or {@code -1} if only PostgreSQL's
	 * (flushed) count is known right now
	 */
	public long count(UUID productId, String viewer) {
		if (!this.markers.firstView(productId, viewer)) {
			return this.availability.call(() -> currentTotal(productId), () -> -1L);
		}
		try {
			return this.availability.call(() -> incrementInRedis(productId, viewer), () -> {
				this.offline.add(productId);
				return -1L;
			});
		}
		catch (FlushedCountUnavailable ex) {
			// Redis answered; PostgreSQL did not give the product's first total. Held
			// like a view Redis missed, added with the next flush.
			this.offline.add(productId);
			return -1L;
		}
	}

	private long incrementInRedis(UUID productId, String viewer) {
		List<String> keys = List.of(TOTALS_KEY, DIRTY_KEY, LEGACY_MARKER_PREFIX + productId + ":" + viewer);
		String id = productId.toString();
		Long total = this.redis.execute(INCREMENT, keys, id, "");
		if (total == NEEDS_BASE) {
			total = this.redis.execute(INCREMENT, keys, id, Long.toString(flushedCount(productId)));
		}
		return total;
	}

	private long currentTotal(UUID productId) {
		Object total = this.redis.opsForHash().get(TOTALS_KEY, productId.toString());
		return (total != null) ? Long.parseLong((String) total) : -1L;
	}

	/**
	 * The current counts (flushed + pending) of the products Redis knows; a product
	 * missing from the map has no views beyond PostgreSQL's count.
	 */
	public Map<UUID, Long> totals(Collection<UUID> productIds) {
		if (productIds.isEmpty()) {
			return Map.of();
		}
		List<UUID> ids = List.copyOf(productIds);
		List<Object> fields = new ArrayList<>(ids.size());
		ids.forEach((id) -> fields.add(id.toString()));
		List<Object> values = this.availability.call(() -> this.redis.opsForHash().multiGet(TOTALS_KEY, fields),
				List::of);
		Map<UUID, Long> totals = new HashMap<>();
		for (int i = 0; i < values.size(); i++) {
			if (values.get(i) != null) {
				totals.put(ids.get(i), Long.parseLong((String) values.get(i)));
			}
		}
		return totals;
	}

	/**
	 * Adds the views counted while Redis was unreachable; those it cannot add now stay
	 * for the next call.
	 */
	void addOfflineViews() {
		try {
			addOfflineViewsInRedis();
		}
		catch (FlushedCountUnavailable ex) {
			// The rest waits for the next flush, whose own PostgreSQL failure warns.
		}
	}

	private void addOfflineViewsInRedis() {
		for (OfflineViews.Batch batch : this.offline.batches()) {
			List<String> keys = List.of(TOTALS_KEY, DIRTY_KEY, BATCH_PREFIX + batch.id());
			String id = batch.productId().toString();
			String views = Long.toString(batch.views());
			boolean added = this.availability.call(() -> {
				if (this.redis.execute(ADD, keys, id, views, "") == NEEDS_BASE) {
					this.redis.execute(ADD, keys, id, views, Long.toString(flushedCount(batch.productId())));
				}
				return true;
			}, () -> false);
			if (added) {
				this.offline.confirm(batch);
			}
		}
	}

	/** Forgets a removed product's total. */
	public void forget(UUID productId) {
		this.availability.call(() -> {
			this.redis.opsForHash().delete(TOTALS_KEY, productId.toString());
			this.redis.opsForSet().remove(DIRTY_KEY, productId.toString());
			return null;
		}, () -> null);
	}

	/**
	 * PostgreSQL's count, read inside a Redis call to seed a product's first total. Its
	 * failure is not a {@link DataAccessException} there: it would be taken for Redis's
	 * and put Redis out of use (a misleading warning and {@code lookup_redis_in_use} 0).
	 */
	private long flushedCount(UUID productId) {
		try {
			return this.jdbc.sql("SELECT view_count FROM catalog_products WHERE id = ?")
				.param(productId)
				.query(Long.class)
				.optional()
				.orElse(0L);
		}
		catch (DataAccessException ex) {
			throw new FlushedCountUnavailable(ex);
		}
	}

	private static final class FlushedCountUnavailable extends RuntimeException {

		FlushedCountUnavailable(DataAccessException cause) {
			super(cause);
		}

	}

}
