package com.moa.lookup.view;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.moa.lookup.LookupProperties;
import com.moa.lookup.cache.CacheRedis;
import com.moa.lookup.cache.RedisAvailability;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Who has been counted for which product within the window: one marker key per (product,
 * viewer), {@code SET NX EX}, so concurrent requests of one viewer find exactly one of
 * them first.
 *
 * <p>
 * The markers live in the cache Redis, which evicts, not beside the totals in the main
 * Redis, which must not. Every cookie-less request is a new viewer, so a crawler writes a
 * marker per request: in the main Redis (noeviction, shared with the gateway's rate
 * limits) that filled it within a day and login failed closed for everyone. Here it only
 * evicts the least recently used entries, and a lost marker costs at most one extra view.
 *
 * <p>
 * While that Redis is unreachable, the pairs seen meanwhile are remembered in memory up
 * to a bound (past it, views are counted), and forgotten once it answers again.
 */
@Component
class ViewMarkers {

	static final String PREFIX = "lookup:views:seen:";

	private final StringRedisTemplate redis;

	private final RedisAvailability availability;

	private final Duration window;

	private final Set<String> seenOffline = ConcurrentHashMap.newKeySet();

	private final int maxOffline;

	ViewMarkers(CacheRedis cacheRedis, LookupProperties properties) {
		this.redis = cacheRedis.template();
		this.availability = cacheRedis.availability();
		this.window = properties.views().window();
		this.maxOffline = properties.views().offlineViewers();
	}

	/** Marks the viewer as counted; whether they were not marked yet. */
	boolean firstView(UUID productId, String viewer) {
		String key = PREFIX + productId + ":" + viewer;
		return this.availability.call(() -> {
			boolean first = Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(key, "1", this.window));
			if (!this.seenOffline.isEmpty()) {
				this.seenOffline.clear();
			}
			return first;
		}, () -> firstSinceOutage(key));
	}

	private boolean firstSinceOutage(String key) {
		if (this.seenOffline.size() < this.maxOffline) {
			return this.seenOffline.add(key);
		}
		return !this.seenOffline.contains(key);
	}

}
