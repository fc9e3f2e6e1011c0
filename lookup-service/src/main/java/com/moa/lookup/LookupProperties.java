package com.moa.lookup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code moa.lookup.*}: the response cache and view counting.
 *
 * @param cache the Redis response cache
 * @param views view counting
 */
@ConfigurationProperties("moa.lookup")
public record LookupProperties(@DefaultValue Cache cache, @DefaultValue Views views) {

	/**
	 * @param enabled off only to measure the catalog without it (bench/)
	 * @param ttl lifetime of a cached response; product changes invalidate earlier, this
	 * only bounds what a missed invalidation can cost
	 * @param popularTtl lifetime of {@code sort=popular} pages, whose order follows the
	 * view counts flushed every few seconds
	 * @param redisUrl a Redis of its own for cached responses
	 * ({@code redis://host:port/db}), one that may evict; empty: the main Redis, which
	 * also holds the view counters
	 */
	public record Cache(@DefaultValue("true") boolean enabled, @DefaultValue("60s") Duration ttl,
			@DefaultValue("10s") Duration popularTtl, String redisUrl) {

	}

	/**
	 * @param window a viewer counts once per product within this window (API.md: 24 h)
	 * @param flushBatch products written to PostgreSQL per flush round
	 * @param cookieSecure whether the {@code moa_vid} cookie is {@code Secure}; on in
	 * production, where clients reach the gateway over HTTPS
	 * @param offlineViewers distinct (product, viewer) pairs remembered in memory while
	 * Redis is unreachable
	 */
	public record Views(@DefaultValue("24h") Duration window, @DefaultValue("500") int flushBatch,
			@DefaultValue("false") boolean cookieSecure, @DefaultValue("100000") int offlineViewers) {

	}

}
