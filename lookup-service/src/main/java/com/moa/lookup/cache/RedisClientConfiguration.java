package com.moa.lookup.cache;

import com.moa.lookup.LookupProperties;
import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * lookup-service's two Redis roles. The main Redis (Boot's connection, shared with the
 * gateway's rate limits in compose) holds the view totals, which must never be evicted;
 * the response cache and the view markers may live in a Redis of its own that evicts
 * under memory pressure ({@code moa.lookup.cache.redis-url}), else they share the main
 * one. Each role tracks its own availability, so one failing never bypasses the other.
 *
 * <p>
 * Lettuce queues commands while it reconnects, by default until the command timeout. Here
 * a command fails at once instead, so {@link RedisAvailability} falls back to PostgreSQL
 * without making a request wait.
 */
@Configuration(proxyBeanMethods = false)
class RedisClientConfiguration {

	@Bean
	LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	@Bean
	@Primary
	RedisAvailability redisAvailability() {
		return new RedisAvailability("view totals");
	}

	/**
	 * {@code lookup.redis.in.use}: 1 while a role's Redis answers, 0 while lookup serves
	 * that role from PostgreSQL or memory instead.
	 */
	@Bean
	MeterBinder redisInUseGauges(RedisAvailability totals, CacheRedis cache) {
		return (registry) -> {
			inUseGauge(registry, "view-totals", totals);
			inUseGauge(registry, "cache", cache.availability());
		};
	}

	private static void inUseGauge(MeterRegistry registry, String role, RedisAvailability availability) {
		Gauge.builder("lookup.redis.in.use", availability, (redis) -> redis.inUse() ? 1 : 0)
			.description("Whether this Redis role answers (0: lookup falls back to PostgreSQL or memory)")
			.tag("role", role)
			.register(registry);
	}

	@Bean
	CacheRedis cacheRedis(StringRedisTemplate main, LookupProperties properties) {
		return CacheRedis.of(properties.cache().redisUrl(), main);
	}

}
