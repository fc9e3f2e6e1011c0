package com.moa.lookup.view;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.lookup.LookupProperties;
import com.moa.lookup.cache.RedisAvailability;
import com.moa.platform.events.EventPublisher;
import com.moa.platform.testing.TestEventQueue;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * View counting on {@code GET /api/products/{id}}: one view per viewer per 24 h, exact
 * under concurrent requests over real HTTP, written behind to PostgreSQL and announced as
 * {@code product.view-stats}.
 */
class ViewCountingIntegrationTests extends LookupIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	ViewFlusher flusher;

	@Autowired
	ViewCounter counter;

	@Autowired
	RedisAvailability availability;

	@Autowired
	JdbcTemplate jdbcTemplate;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	EventPublisher events;

	@Autowired
	LookupProperties properties;

	@Test
	void twoThousandConcurrentDistinctViewersCountExactlyTwoThousand() {
		String token = uniqueToken();
		Product product = product("Concurrent " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);
		TestEventQueue viewStats = TestEventQueue.bind(this.admin, this.rabbit, "test.view-stats." + token,
				"product.view-stats");

		// No cookie: every request is a new anonymous viewer.
		List<HttpResponse<String>> responses = concurrently(64,
				IntStream.range(0, 2000).mapToObj((i) -> request("/api/products/" + product.id).build()).toList());

		assertThat(responses).allSatisfy((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(
					(cookie) -> assertThat(cookie).startsWith("moa_vid=").contains("HttpOnly", "SameSite=Lax"));
		});
		assertThat(responses.stream().map((r) -> r.headers().firstValue("Set-Cookie").orElseThrow()).distinct())
			.hasSize(2000);
		assertThat(listedViewCount(token, product.id)).isEqualTo(before + 2000);
		awaitFlushedViewCount(product.id, before + 2000);
		assertThat(lastViewStats(viewStats, product.id, before + 2000).path("totalViews").asLong())
			.isEqualTo(before + 2000);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.redis.opsForSet().isMember(ViewCounter.DIRTY_KEY, product.id.toString()));
	}

	/**
	 * Two instances' flush rounds over the same dirty products lock their rows in one
	 * order: in the set's random order, each took rows the other needed and PostgreSQL
	 * aborted one round as a deadlock.
	 */
	@Test
	void twoInstancesFlushingManyProductsAtOnceNeverDeadlock() throws Exception {
		List<UUID> products = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			UUID id = UUID.randomUUID();
			this.jdbcTemplate.update("INSERT INTO catalog_products (id, title, description, status, version) "
					+ "VALUES (?, 'Flushed in order', '', 'UNPUBLISHED', 1)", id);
			products.add(id);
		}
		ViewFlusher other = new ViewFlusher(this.redis, this.availability, this.counter, this.jdbcTemplate,
				this.transaction, this.events, this.properties);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 5; round++) {
				for (UUID product : products) {
					this.counter.count(product, "v:" + UUID.randomUUID());
				}
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Integer>> flushes = new ArrayList<>();
				for (ViewFlusher flusher : List.of(this.flusher, other)) {
					flushes.add(pool.submit(() -> {
						start.await();
						return flusher.flushRound();
					}));
				}
				start.countDown();
				for (Future<Integer> flush : flushes) {
					assertThatCode(() -> flush.get(30, TimeUnit.SECONDS)).as("round %d", round)
						.doesNotThrowAnyException();
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		this.flusher.flush();
		assertThat(this.jdbcTemplate.queryForObject(
				"SELECT count(*) FROM catalog_products WHERE id = ANY(?) AND view_count = 5", Integer.class,
				(Object) products.toArray(UUID[]::new)))
			.isEqualTo(300);
	}

	@Test
	void twoInstancesFlushingAtOnceWriteEveryViewAndNeverReportATotalTwice() throws Exception {
		String token = uniqueToken();
		Product product = product("Two flushers " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);
		TestEventQueue viewStats = TestEventQueue.bind(this.admin, this.rabbit, "test.view-stats." + token,
				"product.view-stats");
		// A second instance's flusher: same Redis, database and outbox, its own rounds.
		ViewFlusher other = new ViewFlusher(this.redis, this.availability, this.counter, this.jdbcTemplate,
				this.transaction, this.events, this.properties);
		ExecutorService pool = Executors.newFixedThreadPool(6);
		try {
			AtomicBoolean counting = new AtomicBoolean(true);
			List<Future<?>> flushers = new ArrayList<>();
			for (ViewFlusher flusher : List.of(this.flusher, other)) {
				flushers.add(pool.submit(() -> {
					while (counting.get()) {
						flusher.flushRound();
					}
					return null;
				}));
			}
			List<Future<?>> viewers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				viewers.add(pool.submit(() -> {
					for (int i = 0; i < 500; i++) {
						this.counter.count(product.id, "v:" + UUID.randomUUID());
					}
					return null;
				}));
			}
			for (Future<?> viewer : viewers) {
				viewer.get(60, TimeUnit.SECONDS);
			}
			counting.set(false);
			for (Future<?> flusher : flushers) {
				flusher.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}

		awaitFlushedViewCount(product.id, before + 2000);
		assertThat(listedViewCount(token, product.id)).isEqualTo(before + 2000);
		// Each total is written, and announced, by one flusher only; the exact count is
		// announced. Their order is not asserted: two instances' events may interleave,
		// and consumers keep the greatest total (seller-service's dashboard does).
		List<Long> announced = new ArrayList<>();
		Instant deadline = Instant.now().plusSeconds(20);
		while (!announced.contains(before + 2000) && Instant.now().isBefore(deadline)) {
			announced.add(viewStats.receiveEnvelope("product.view-stats", product.id.toString())
				.path("data")
				.path("totalViews")
				.asLong());
		}
		assertThat(announced).contains(before + 2000)
			.doesNotHaveDuplicates()
			.allMatch((total) -> total <= before + 2000);
	}

	@Test
	void fiveHundredConcurrentViewsByOneViewerCountOnce() {
		String token = uniqueToken();
		Product product = product("Same viewer " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);
		String viewer = UUID.randomUUID().toString();

		List<HttpResponse<String>> responses = concurrently(64,
				IntStream.range(0, 500)
					.mapToObj(
							(i) -> request("/api/products/" + product.id).header("Cookie", "moa_vid=" + viewer).build())
					.toList());

		assertThat(responses).allSatisfy((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			// The viewer's own cookie is kept, not replaced.
			assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
		});
		assertThat(listedViewCount(token, product.id)).isEqualTo(before + 1);
		awaitFlushedViewCount(product.id, before + 1);
	}

	@Test
	void viewerCountedByThePreviousReleaseIsNotCountedAgain() {
		String token = uniqueToken();
		Product product = product("Upgrade " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);
		String viewer = UUID.randomUUID().toString();
		// The marker as the previous release wrote it, beside the totals.
		this.redis.opsForValue()
			.set(ViewCounter.LEGACY_MARKER_PREFIX + product.id + ":v:" + viewer, "1", Duration.ofHours(1));

		assertThat(this.mvc.get().uri("/api/products/" + product.id).cookie(new Cookie("moa_vid", viewer)).exchange())
			.bodyJson()
			.extractingPath("$.viewCount")
			.isEqualTo((int) before);
		viewByNewVisitor(product.id);

		assertThat(listedViewCount(token, product.id)).isEqualTo(before + 1);
	}

	@Test
	void signedInUserCountsOnceWhateverCookieTheDeviceSends() {
		String token = uniqueToken();
		Product product = product("Signed in " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);
		String bearer = "Bearer " + signer.token(UUID.randomUUID(), "CONSUMER");

		List<HttpResponse<String>> responses = concurrently(16,
				IntStream.range(0, 50)
					.mapToObj((i) -> request("/api/products/" + product.id).header("Authorization", bearer)
						.header("Cookie", "moa_vid=" + UUID.randomUUID())
						.build())
					.toList());

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(listedViewCount(token, product.id)).isEqualTo(before + 1);
	}

	@Test
	void detailShowsTheCountIncludingThisView() {
		String token = uniqueToken();
		Product product = product("Own view " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);

		MvcTestResult first = this.mvc.get().uri("/api/products/" + product.id).exchange();
		MvcTestResult second = this.mvc.get().uri("/api/products/" + product.id).exchange();

		assertThat(first).bodyJson().extractingPath("$.viewCount").isEqualTo((int) before + 1);
		assertThat(second).bodyJson().extractingPath("$.viewCount").isEqualTo((int) before + 2);
	}

	@Test
	void aHeadIsPublicLikeGetAndCountsNoView() {
		String token = uniqueToken();
		Product product = product("Head " + token);
		publishAndAwait(product);
		long before = listedViewCount(token, product.id);
		String bearer = "Bearer " + signer.token(UUID.randomUUID(), "CONSUMER");

		assertThat(this.mvc.head().uri("/api/products?q=" + token).exchange()).hasStatusOk();
		MvcTestResult anonymous = this.mvc.head().uri("/api/products/" + product.id).exchange();
		assertThat(anonymous).hasStatusOk();
		assertThat(anonymous.getResponse().getHeader("Set-Cookie")).isNull();
		assertThat(this.mvc.head().uri("/api/products/" + product.id).header("Authorization", bearer).exchange())
			.hasStatusOk();

		MvcTestResult viewed = this.mvc.get().uri("/api/products/" + product.id).exchange();
		assertThat(viewed).bodyJson().extractingPath("$.viewCount").isEqualTo((int) before + 1);
	}

	@Test
	void malformedViewerCookieIsReplaced() {
		Product product = product("Cookie " + uniqueToken());
		publishAndAwait(product);

		MvcTestResult result = this.mvc.get()
			.uri("/api/products/" + product.id)
			.cookie(new Cookie("moa_vid", "not-a-uuid"))
			.exchange();

		assertThat(result).hasStatusOk();
		String cookie = result.getResponse().getHeader("Set-Cookie");
		assertThat(cookie)
			.matches("moa_vid=[0-9a-f-]{36}; Path=/; Max-Age=31536000; Expires=.*; HttpOnly; SameSite=Lax");
	}

	@Test
	void unknownProductCountsNothingAndIssuesNoCookie() {
		MvcTestResult result = this.mvc.get().uri("/api/products/" + UUID.randomUUID()).exchange();

		assertThat(result).hasStatus(404);
		assertThat(result.getResponse().getHeader("Set-Cookie")).isNull();
	}

	/** Reads view-stats events of the product until one reports {@code total}. */
	private static JsonNode lastViewStats(TestEventQueue events, UUID productId, long total) {
		List<Long> seen = new ArrayList<>();
		Instant deadline = Instant.now().plusSeconds(20);
		while (Instant.now().isBefore(deadline)) {
			JsonNode data = events.receiveEnvelope("product.view-stats", productId.toString()).path("data");
			assertThat(data.path("productId").asString()).isEqualTo(productId.toString());
			assertThat(data.path("asOf").asString()).isNotBlank();
			seen.add(data.path("totalViews").asLong());
			if (data.path("totalViews").asLong() == total) {
				// Batches report growing totals, never the same total twice.
				assertThat(seen).isSorted().doesNotHaveDuplicates();
				return data;
			}
		}
		throw new AssertionError("no product.view-stats with totalViews " + total + "; saw " + seen);
	}

}
