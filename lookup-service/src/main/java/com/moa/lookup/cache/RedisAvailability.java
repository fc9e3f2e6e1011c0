package com.moa.lookup.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * Redis is an accelerator here, never a requirement: every call goes through
 * {@link #call}, which answers from the fallback when Redis fails. After a failure Redis
 * is left alone for a second, then one call tries it while the others keep using the
 * fallback, so an outage costs one slow request per second instead of one per request (a
 * Redis that stops answering without closing the connection costs each try the full
 * command timeout).
 */
public class RedisAvailability {

	private static final Logger log = LoggerFactory.getLogger(RedisAvailability.class);

	private static final long RETRY_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

	private final String role;

	private volatile boolean down;

	private volatile long retryAt;

	private final AtomicBoolean probing = new AtomicBoolean();

	/**
	 * @param role what this Redis holds here, for the log ("view totals")
	 */
	public RedisAvailability(String role) {
		this.role = role;
	}

	/**
	 * Runs a Redis operation, or the fallback when Redis is known to be down or the
	 * operation fails.
	 */
	public <T> T call(Supplier<T> redisCall, Supplier<T> fallback) {
		boolean probe = this.down;
		if (probe && (System.nanoTime() - this.retryAt < 0 || !this.probing.compareAndSet(false, true))) {
			return fallback.get();
		}
		T result;
		try {
			result = redisCall.get();
			if (this.down) {
				this.down = false;
				log.info("Redis ({}) answers again; back in use", this.role);
			}
		}
		catch (DataAccessException ex) {
			failed(ex);
			return fallback.get();
		}
		finally {
			if (probe) {
				this.probing.set(false);
			}
		}
		return result;
	}

	/**
	 * Whether the last call reached Redis: false from a failure until a call succeeds
	 * again, so also for a moment after Redis returns.
	 */
	public boolean inUse() {
		return !this.down;
	}

	/** Whether Redis should be tried now. */
	public boolean usable() {
		return !this.down || (System.nanoTime() - this.retryAt >= 0 && !this.probing.get());
	}

	private void failed(DataAccessException ex) {
		if (!this.down) {
			log.warn("Redis ({}) unavailable, answering from PostgreSQL until it returns: {}", this.role,
					ex.getMessage());
		}
		this.retryAt = System.nanoTime() + RETRY_AFTER_NANOS;
		this.down = true;
	}

}
