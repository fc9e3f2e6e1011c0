package com.moa.lookup.cache;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.moa.lookup.LookupIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis response cache: hits after the first request, a seller's change visible
 * within 2 s although entries live 60 s (event-driven invalidation), and concurrent
 * misses on one key served by one database query.
 */
class ResponseCacheIntegrationTests extends LookupIntegrationTestSupport {

	@Autowired
	StringRedisTemplate redis;

	@Test
	void repeatedRequestsAreServedFromTheCache() {
		String token = uniqueToken();
		Product product = product("Cached " + token);
		publishAndAwait(product);

		assertThat(get("/api/products?q=" + token)).hasStatusOk();
		double hits = cacheRequests("hit");
		for (int i = 0; i < 5; i++) {
			assertThat(get("/api/products?q=" + token)).bodyJson()
				.extractingPath("$.content[0].title")
				.isEqualTo(product.title);
		}

		assertThat(cacheRequests("hit") - hits).isEqualTo(5);
	}

	@Test
	void sellersChangeReachesCachedListAndDetailWithinTwoSeconds() {
		String token = uniqueToken();
		Product product = product("Before " + token);
		publishAndAwait(product);
		assertThat(get("/api/products?q=" + token)).bodyJson()
			.extractingPath("$.content[0].title")
			.isEqualTo("Before " + token);
		assertThat(get("/api/categories")).hasStatusOk();

		publishUpserted(product.title("After " + token).category("BOOKS").version(2));

		// Far inside the 60 s time to live: only the invalidation can explain it.
		await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			MvcTestResult list = get("/api/products?q=" + token);
			assertThat(list).bodyJson().extractingPath("$.content[0].title").isEqualTo("After " + token);
		});
		assertThat(get("/api/products/" + product.id)).bodyJson().extractingPath("$.category").isEqualTo("BOOKS");

		publishRemoved(product.id, 3);
		await().atMost(VISIBLE_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(get("/api/products/" + product.id)).hasStatus(404));
		assertThat(get("/api/products?q=" + token)).bodyJson().extractingPath("$.totalElements").isEqualTo(0);
	}

	@Test
	void unreadableEntryIsAMiss() {
		Product product = product("Garbled " + uniqueToken());
		publishAndAwait(product);
		String generation = this.redis.opsForValue().get(ResponseCache.GENERATION_KEY);
		// As left by a version of the service with another response shape, or corrupted.
		this.redis.opsForValue()
			.set(ResponseCache.ENTRY_PREFIX + ((generation != null) ? generation : "0") + ":detail:" + product.id,
					"{\"id\": [not json");

		assertThat(get("/api/products/" + product.id)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.title")
			.isEqualTo(product.title);
	}

	@Test
	void concurrentMissesOnOneKeyCauseOneDatabaseQuery() {
		String token = uniqueToken();
		Product product = product("Stampede " + token);
		publishAndAwait(product);
		String uri = "/api/products?sort=price_asc&q=" + token;

		List<HttpResponse<String>> responses = requestWhileTableIsLocked(uri, 20);

		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(responses.stream().map(HttpResponse::body).distinct()).hasSize(1);
		assertThat(responses.get(0).body()).contains(product.id.toString());
	}

}
