package com.moa.lookup.cache;

import java.util.Set;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.testing.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code moa.lookup.cache.redis-url} set (compose: a Redis that evicts), cached
 * responses live there and only there, while the view counters, which must never be
 * evicted, stay in the main Redis.
 */
class SeparateCacheRedisIntegrationTests extends LookupIntegrationTestSupport {

	private static final DataRedisConnectionDetails.Standalone cacheDb = TestRedis.leaseDatabase().getStandalone();

	@Autowired
	StringRedisTemplate main;

	@DynamicPropertySource
	static void cacheRedis(DynamicPropertyRegistry registry) {
		registry.add("moa.lookup.cache.redis-url",
				() -> "redis://" + cacheDb.getHost() + ":" + cacheDb.getPort() + "/" + cacheDb.getDatabase());
	}

	@Test
	void cachedResponsesGoToTheCacheRedisAndViewCountersStayInTheMainOne() {
		Product product = product("Split roles " + uniqueToken());
		publishAndAwait(product);
		assertThat(get("/api/products?q=" + product.title.split(" ")[2])).hasStatusOk();
		viewByNewVisitor(product.id);

		StringRedisTemplate cache = template(cacheDb);
		assertThat(keys(cache, ResponseCache.ENTRY_PREFIX + "*")).isNotEmpty();
		assertThat(keys(cache, "lookup:views:*")).isEmpty();
		assertThat(keys(this.main, ResponseCache.ENTRY_PREFIX + "*")).isEmpty();
		assertThat(keys(this.main, "lookup:views:*")).isNotEmpty();
	}

	private static Set<String> keys(StringRedisTemplate redis, String pattern) {
		return redis.keys(pattern);
	}

	private static StringRedisTemplate template(DataRedisConnectionDetails.Standalone db) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(db.getHost(), db.getPort());
		server.setDatabase(db.getDatabase());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server);
		factory.afterPropertiesSet();
		factory.start();
		return new StringRedisTemplate(factory);
	}

}
