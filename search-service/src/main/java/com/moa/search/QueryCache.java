package com.moa.search;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers that may be a few seconds old (popular keywords, suggestions), from Caffeine:
 * after {@code fresh} the next request still gets the cached answer while one background
 * load replaces it (no stampede of identical queries when it expires under load); if that
 * load fails (MongoDB away) the old answer stays and is served, for up to {@code keep}.
 * Only a key never answered before waits for MongoDB, and fails if it is away.
 *
 * @param <K> the query
 * @param <V> its answer
 */
public final class QueryCache<K, V> {

	private static final Logger log = LoggerFactory.getLogger(QueryCache.class);

	private static final long QUIET_MILLIS = Duration.ofSeconds(30).toMillis();

	private final LoadingCache<K, V> cache;

	private final AtomicLong lastWarning = new AtomicLong();

	public QueryCache(Clock clock, Duration fresh, Duration keep, long maxEntries, Function<K, V> query) {
		this.cache = Caffeine.newBuilder()
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.refreshAfterWrite(fresh)
			.expireAfterWrite(keep)
			.maximumSize(maxEntries)
			.build((key) -> {
				try {
					return query.apply(key);
				}
				catch (RuntimeException ex) {
					warn(ex);
					throw ex;
				}
			});
	}

	/**
	 * One line per 30 s while MongoDB is away, instead of a stack trace per request
	 * (Caffeine's own logging of failed refreshes is turned down in application.yml).
	 */
	private void warn(RuntimeException ex) {
		long now = System.currentTimeMillis();
		long last = this.lastWarning.get();
		if (now - last > QUIET_MILLIS && this.lastWarning.compareAndSet(last, now)) {
			log.warn("Query failed, serving cached answers where there are any: {}", ex.getMessage());
		}
	}

	public V get(K key) {
		return this.cache.get(key);
	}

	public void clear() {
		this.cache.invalidateAll();
	}

}
