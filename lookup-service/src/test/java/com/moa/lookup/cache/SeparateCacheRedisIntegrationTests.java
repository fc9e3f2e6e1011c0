package com.moa.lookup.cache;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestRedis;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code moa.lookup.cache.redis-url} set (compose: a Redis that evicts), cached
 * responses and view markers live there and only there, while the view totals, which must
 * never be evicted, stay in the main Redis. The cache Redis is reached through a proxy
 * that can cut it.
 */
class SeparateCacheRedisIntegrationTests extends LookupIntegrationTestSupport {

	private static final DataRedisConnectionDetails.Standalone cacheDb = TestRedis.leaseDatabase().getStandalone();

	private static final TcpProxy cacheProxy = new TcpProxy(cacheDb.getHost(), cacheDb.getPort());

	// Directly, not through the proxy.
	private static final StringRedisTemplate cache = template(cacheDb);

	@Autowired
	StringRedisTemplate main;

	@DynamicPropertySource
	static void cacheRedis(DynamicPropertyRegistry registry) {
		registry.add("moa.lookup.cache.redis-url",
				() -> "redis://127.0.0.1:" + cacheProxy.port() + "/" + cacheDb.getDatabase());
	}

	@AfterEach
	void restoreCacheRedis() {
		cacheProxy.restore();
	}

	@Test
	void cachedResponsesAndViewMarkersGoToTheCacheRedisAndTotalsStayInTheMainOne() {
		Product product = product("Split roles " + uniqueToken());
		publishAndAwait(product);
		assertThat(get("/api/products?q=" + product.title.split(" ")[2])).hasStatusOk();
		viewByNewVisitor(product.id);

		assertThat(keys(cache, ResponseCache.ENTRY_PREFIX + "*")).isNotEmpty();
		assertThat(keys(cache, "lookup:views:seen:" + product.id + ":*")).hasSize(2);
		assertThat(keys(cache, "lookup:views:total")).isEmpty();
		assertThat(keys(this.main, ResponseCache.ENTRY_PREFIX + "*")).isEmpty();
		assertThat(keys(this.main, "lookup:views:*" + product.id + "*")).isEmpty();
		assertThat(this.main.opsForHash().get("lookup:views:total", product.id.toString())).isNotNull();
	}

	@Test
	void cookielessViewsGrowOnlyTheCacheRedis() {
		Product product = product("Crawled " + uniqueToken());
		publishAndAwait(product);
		long mainKeys = mainKeys();

		for (int i = 0; i < 200; i++) {
			viewByNewVisitor(product.id);
		}

		assertThat(keys(cache, "lookup:views:seen:" + product.id + ":*")).hasSize(201);
		assertThat(mainKeys()).isLessThanOrEqualTo(mainKeys + 2);
	}

	@Test
	void viewsStayExactPerViewerWhileTheCacheRedisIsDown() {
		String token = uniqueToken();
		Product product = product("Markers down " + token);
		publishAndAwait(product);
		String before = UUID.randomUUID().toString();
		view(product.id, before);
		long viewsBefore = listedViewCount(token, product.id);

		cacheProxy.cut();
		String during = UUID.randomUUID().toString();
		for (int i = 0; i < 3; i++) {
			view(product.id, during);
		}
		viewByNewVisitor(product.id);

		// The totals' Redis is up: counted at once, the repeated viewer once.
		assertThat(listedViewCount(token, product.id)).isEqualTo(viewsBefore + 2);
		cacheProxy.restore();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			String probe = UUID.randomUUID().toString();
			view(product.id, probe);
			assertThat(cache.hasKey("lookup:views:seen:" + product.id + ":v:" + probe)).isTrue();
		});
		// A viewer marked before the outage is still remembered.
		long now = listedViewCount(token, product.id);
		view(product.id, before);
		assertThat(listedViewCount(token, product.id)).isEqualTo(now);
		awaitFlushedViewCount(product.id, now);
	}

	private void view(UUID productId, String viewer) {
		assertThat(this.mvc.get().uri("/api/products/" + productId).cookie(new Cookie("moa_vid", viewer)).exchange())
			.hasStatusOk();
	}

	private long mainKeys() {
		Long size = this.main.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().dbSize());
		return size;
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
