package com.moa.lookup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
	 * @param redisUrl a Redis of its own for cached responses and view markers
	 * ({@code redis://host:port/db}), one that may evict; empty: the main Redis, which
	 * also holds the view totals
	 * @param localTtl how long an instance serves a response it has just read from Redis
	 * without asking Redis again; a change consumed by another instance reaches this
	 * one's copies within this time (API.md: a seller's change is visible within 2 s); 0:
	 * off
	 * @param localMaxSize how much each instance keeps so, counted as the entries' size
	 * in Redis
	 */
	public record Cache(@DefaultValue("true") boolean enabled, @DefaultValue("60s") Duration ttl,
			@DefaultValue("10s") Duration popularTtl, String redisUrl, @DefaultValue("500ms") Duration localTtl,
			@DefaultValue("16MB") DataSize localMaxSize) {

	}

	/**
	 * @param window a viewer counts once per product within this window (API.md: 24 h)
	 * @param flushBatch products written to PostgreSQL per flush round
	 * @param cookieSecure whether the {@code moa_vid} cookie is {@code Secure}; on in
	 * production, where clients reach the gateway over HTTPS
	 * @param offlineViewers distinct (product, viewer) pairs remembered in memory while
	 * the markers' Redis is unreachable
	 */
	public record Views(@DefaultValue("24h") Duration window, @DefaultValue("500") int flushBatch,
			@DefaultValue("false") boolean cookieSecure, @DefaultValue("100000") int offlineViewers) {

	}

}
