package com.moa.lookup.view;

import java.util.UUID;

import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * BENCHMARK ONLY ({@code bench} profile, never active in a deployment; the gateway does
 * not route {@code /bench/**}): a deliberately naive view counter that reads the count
 * and writes it back plus one, as two separate Redis commands. bench/catalog-bench.sh
 * runs it beside {@link ViewCounter} in the same harness to show what concurrent requests
 * do to a read-then-write counter: increments that interleave overwrite each other.
 */
@RestController
@Profile("bench")
class NaiveViewCounterBenchEndpoint {

	private final StringRedisTemplate redis;

	NaiveViewCounterBenchEndpoint(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@GetMapping("/bench/naive-views/{id}")
	long view(@PathVariable UUID id) {
		String key = "bench:naive-views:" + id;
		String current = this.redis.opsForValue().get(key);
		long next = ((current != null) ? Long.parseLong(current) : 0) + 1;
		this.redis.opsForValue().set(key, Long.toString(next));
		return next;
	}

}
