package com.moa.lookup.cache;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.moa.lookup.LookupIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
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
	DataSource dataSource;

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
	void concurrentMissesOnOneKeyCauseOneDatabaseQuery() throws Exception {
		String token = uniqueToken();
		Product product = product("Stampede " + token);
		publishAndAwait(product);
		String uri = "/api/products?sort=price_asc&q=" + token;

		CompletableFuture<List<HttpResponse<String>>> responses;
		try (Connection blocker = this.dataSource.getConnection();
				Connection monitor = this.dataSource.getConnection()) {
			// Holds every query on the table, so the misses pile up while the first load
			// waits.
			blocker.setAutoCommit(false);
			try (Statement statement = blocker.createStatement()) {
				statement.execute("LOCK TABLE catalog_products IN ACCESS EXCLUSIVE MODE");
			}
			responses = CompletableFuture.supplyAsync(
					() -> concurrently(20, IntStream.range(0, 20).mapToObj((i) -> request(uri).build()).toList()));
			await().atMost(Duration.ofSeconds(10)).until(() -> blockedListQueries(monitor) >= 1);
			// Time for the other 19 requests to reach the database if they were going to
			// (without single flight each of the pool's free connections would queue
			// here).
			Thread.sleep(1000);
			assertThat(blockedListQueries(monitor)).isEqualTo(1);
			blocker.rollback();
		}

		List<HttpResponse<String>> done = responses.get();
		assertThat(done).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(done.stream().map(HttpResponse::body).distinct()).hasSize(1);
		assertThat(done.get(0).body()).contains(product.id.toString());
	}

	/**
	 * Browse queries of this database waiting for the test's table lock. Asked on a
	 * connection of its own in autocommit mode: within the blocker's transaction
	 * PostgreSQL would keep showing its first snapshot of pg_stat_activity, and the pool
	 * may be exhausted by the waiting requests.
	 */
	private static int blockedListQueries(Connection monitor) throws SQLException {
		try (Statement statement = monitor.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
							+ " AND wait_event_type = 'Lock' AND query LIKE 'SELECT count(*) FROM catalog_products%'")) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
