package com.moa.platform.security;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * At most one warning per period for a failure that every request or round meets while it
 * lasts (an outage, a refusing client):
 * {@code if (limit.acquirePermission()) log.warn(…)}. Here, beside the token checks that
 * needed it first, because every service and the gateway depend on this module.
 */
public final class WarningLimit {

	private WarningLimit() {
	}

	/** A limiter that grants one permit per {@code period}, never waiting for one. */
	public static RateLimiter oncePer(Duration period, String name) {
		return RateLimiter.of(name,
				RateLimiterConfig.custom()
					.limitForPeriod(1)
					.limitRefreshPeriod(period)
					.timeoutDuration(Duration.ZERO)
					.build());
	}

}
