package com.moa.lookup.cache;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestRedis;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis is only an accelerator: with the connection to it cut, every catalog endpoint
 * still answers 200 from PostgreSQL, a product change is visible at once (the cache is
 * bypassed, not trusted), views are held in memory; when Redis returns, the held views
 * are added and flushed and the cache is used again, without the entries cached before
 * the change.
 */
@Import(RedisOutageIntegrationTests.ProxiedRedis.class)
class RedisOutageIntegrationTests extends LookupIntegrationTestSupport {

	private static TcpProxy redisProxy;

	@Autowired
	StringRedisTemplate redis;

	private static DataRedisConnectionDetails.Standalone redisBehindProxy;

	/**
	 * Restores Redis and waits until lookup uses it again in both roles and holds no
	 * views: for a second after an outage the view totals still come from PostgreSQL, and
	 * a test reading counts then would read them without views still held.
	 */
	@AfterEach
	void restoreRedis() {
		redisProxy.restore();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(get("/api/products?size=1")).hasStatusOk();
			assertThat(this.meters.get("lookup.redis.in.use").tag("role", "view-totals").gauge().value()).isOne();
			assertThat(this.meters.get("lookup.redis.in.use").tag("role", "cache").gauge().value()).isOne();
			assertThat(heldViews()).isZero();
		});
	}

	@Test
	void catalogAnswersFromPostgresWhileRedisIsDownAndCatchesUpAfter() {
		String token = uniqueToken();
		Product product = product("Before " + token);
		publishAndAwait(product);
		assertThat(get("/api/products?q=" + token)).bodyJson()
			.extractingPath("$.content[0].title")
			.isEqualTo("Before " + token);
		long viewsBefore = listedViewCount(token, product.id);

		cutRedis();
		EventEnvelope rename = publishUpserted(product.title("After " + token).version(2));
		awaitConsumed(rename);

		for (String uri : new String[] { "/api/products", "/api/products?q=" + token, "/api/products?sort=popular",
				"/api/products?sort=price_desc&category=LIFESTYLE", "/api/products/feed",
				"/api/products/feed?category=LIFESTYLE", "/api/categories", "/api/products/" + product.id }) {
			assertThat(get(uri)).as(uri).hasStatusOk();
		}
		assertThat(get("/api/products?q=" + token)).bodyJson()
			.extractingPath("$.content[0].title")
			.isEqualTo("After " + token);
		assertThat(get("/api/products/" + product.id)).bodyJson().extractingPath("$.title").isEqualTo("After " + token);
		String visitor = UUID.randomUUID().toString();
		for (int i = 0; i < 3; i++) {
			assertThat(
					this.mvc.get().uri("/api/products/" + product.id).cookie(new Cookie("moa_vid", visitor)).exchange())
				.hasStatusOk();
		}
		viewByNewVisitor(product.id);

		redisProxy.restore();

		// Two new viewers while Redis was down (one of them three times), and the test
		// client once more: who viewed before the outage is remembered in Redis only.
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(listedViewCount(token, product.id)).isEqualTo(viewsBefore + 3));
		awaitFlushedViewCount(product.id, viewsBefore + 3);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			double hits = cacheRequests("hit") + cacheRequests("local-hit");
			MvcTestResult list = get("/api/products?q=" + token);
			assertThat(get("/api/products?q=" + token)).bodyJson()
				.extractingPath("$.content[0].title")
				.isEqualTo("After " + token);
			assertThat(list).hasStatusOk();
			assertThat(cacheRequests("hit") + cacheRequests("local-hit")).isGreaterThan(hits);
		});
	}

	/**
	 * A Redis that keeps the connection but stops answering (a partition, a stuck server)
	 * costs every command the full timeout. Once the pause after a failure ends, one
	 * request tries Redis again and the others keep answering from PostgreSQL; when every
	 * request tried, a third of them waited the timeout.
	 */
	@Test
	void aRedisThatStopsAnsweringDelaysOneRequestPerRetryNotEveryRequest() throws Exception {
		String token = uniqueToken();
		Product product = product("Mute Redis " + token);
		publishAndAwait(product);
		String uri = "/api/products?q=" + token;
		assertThat(get(uri)).hasStatusOk();
		redisProxy.dropRepliesAfter("*");
		ExecutorService clients = Executors.newFixedThreadPool(8);
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(get(uri)).hasStatusOk();
				assertThat(this.meters.get("lookup.redis.in.use").tag("role", "view-totals").gauge().value()).isZero();
				assertThat(this.meters.get("lookup.redis.in.use").tag("role", "cache").gauge().value()).isZero();
			});
			long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			List<Future<List<Long>>> results = new ArrayList<>();
			for (int c = 0; c < 8; c++) {
				results.add(clients.submit(() -> {
					List<Long> millis = new ArrayList<>();
					while (System.nanoTime() < until) {
						long start = System.nanoTime();
						assertThat(get(uri)).hasStatusOk();
						millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
					}
					return millis;
				}));
			}
			List<Long> millis = new ArrayList<>();
			for (Future<List<Long>> result : results) {
				millis.addAll(result.get(30, TimeUnit.SECONDS));
			}

			// Two roles (cache, view totals), one retry a second each over 4 s, and a
			// request or two the timeout overlaps.
			assertThat(millis.stream().filter((ms) -> ms >= 400).count())
				.as("requests of %d that waited", millis.size())
				.isLessThanOrEqualTo(12);
		}
		finally {
			clients.shutdownNow();
			redisProxy.cut();
		}
	}

	@Test
	void concurrentRequestsShareOneQueryWhileRedisIsDown() {
		String token = uniqueToken();
		Product product = product("Outage stampede " + token);
		publishAndAwait(product);
		redisProxy.cut();

		List<HttpResponse<String>> responses = requestWhileTableIsLocked("/api/products?q=" + token, 20);

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(responses.get(0).body()).contains(product.id.toString());
	}

	@Test
	void viewsHeldDuringAnOutageAreAddedOnceWhenTheReplyIsLost() {
		String token = uniqueToken();
		Product product = product("Lost reply " + token);
		publishAndAwait(product);
		long viewsBefore = listedViewCount(token, product.id);
		// A first outage, so the script adding held views is known to Redis (a NOSCRIPT
		// reply dropped below would leave nothing executed).
		redisProxy.cut();
		viewByNewVisitor(product.id);
		redisProxy.restore();
		awaitHeldViews(0);

		redisProxy.cut();
		viewByNewVisitor(product.id);
		viewByNewVisitor(product.id);
		assertThat(heldViews()).isEqualTo(2);
		// Redis returns and adds the held views, but its reply never arrives.
		redisProxy.dropRepliesAfter("lookup:views:batch:");
		redisProxy.restore();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(totalBehindProxy(product.id)).isEqualTo(viewsBefore + 3));
		assertThat(heldViews()).isEqualTo(2);

		// The connection breaks, one more view is held meanwhile. When Redis answers,
		// the batch is sent again and not added twice, and the new view is added.
		redisProxy.cut();
		viewByNewVisitor(product.id);
		assertThat(heldViews()).isEqualTo(3);
		redisProxy.restore();
		awaitHeldViews(0);
		assertThat(totalBehindProxy(product.id)).isEqualTo(viewsBefore + 4);
		awaitFlushedViewCount(product.id, viewsBefore + 4);
	}

	/**
	 * Cuts Redis off and waits until the application's own connection fails: what the
	 * test then counts must happen during a real outage.
	 */
	private void cutRedis() {
		redisProxy.cut();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			try {
				this.redis.hasKey("outage-probe");
				return false;
			}
			catch (DataAccessException ex) {
				return true;
			}
		});
	}

	private double heldViews() {
		return this.meters.get("lookup.views.held").gauge().value();
	}

	private void awaitHeldViews(double views) {
		await().atMost(Duration.ofSeconds(15)).until(() -> heldViews() == views);
	}

	/** The product's total as Redis has it, read past the proxy. */
	private static long totalBehindProxy(UUID productId) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(redisBehindProxy.getHost(),
				redisBehindProxy.getPort());
		server.setDatabase(redisBehindProxy.getDatabase());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server);
		factory.afterPropertiesSet();
		factory.start();
		try {
			Object total = new StringRedisTemplate(factory).opsForHash()
				.get("lookup:views:total", productId.toString());
			return (total != null) ? Long.parseLong((String) total) : -1;
		}
		finally {
			factory.destroy();
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ProxiedRedis {

		/** The DB TestRedis leased for this context, reached through the proxy. */
		@Bean
		@Primary
		DataRedisConnectionDetails proxiedRedis(
				@Qualifier("testRedisConnectionDetails") DataRedisConnectionDetails testRedis) {
			DataRedisConnectionDetails.Standalone leased = testRedis.getStandalone();
			redisBehindProxy = leased;
			redisProxy = new TcpProxy(leased.getHost(), leased.getPort());
			return TestRedis.through(redisProxy, testRedis);
		}

	}

}
