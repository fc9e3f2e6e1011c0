package com.moa.gateway.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * API permits this instance reserved from a subject's Redis window counter and has not
 * used yet, so most API requests need no Redis round trip: the counter is moved by a
 * batch at a time ({@code INCRBY}), never past what Redis granted. Reserved permits count
 * in Redis at once, so the instances together never admit more than the limit; a user
 * whose requests spread over N instances may be refused up to (batch − 1) × (N − 1)
 * requests early (permits reserved by the other instances). A permit never outlives its
 * window.
 */
final class LocalPermits {

	private final Cache<String, Permits> permits;

	LocalPermits(Duration window) {
		this.permits = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).build();
	}

	/** The batch to reserve for a limit: a tenth of it, 1 to 100. */
	static int batchSize(int limit) {
		return Math.max(1, Math.min(100, limit / 10));
	}

	/**
	 * Takes a reserved permit; the requests the subject has left in its window, or -1
	 * when there is none (ask Redis).
	 */
	long take(String subject) {
		Permits reserved = this.permits.getIfPresent(subject);
		return (reserved != null) ? reserved.take() : -1;
	}

	/** Keeps permits Redis granted beyond the one the current request used. */
	void keep(String subject, long left, long remainingAfter, long millisLeft) {
		if (left > 0) {
			this.permits.put(subject, new Permits(left, remainingAfter, System.nanoTime() + millisLeft * 1_000_000));
		}
	}

	private static final class Permits {

		private long left;

		private long remaining;

		private final long windowEndNanos;

		Permits(long left, long remaining, long windowEndNanos) {
			this.left = left;
			this.remaining = remaining;
			this.windowEndNanos = windowEndNanos;
		}

		synchronized long take() {
			if (this.left == 0 || System.nanoTime() - this.windowEndNanos >= 0) {
				return -1;
			}
			this.left--;
			this.remaining--;
			return this.remaining;
		}

	}

}
