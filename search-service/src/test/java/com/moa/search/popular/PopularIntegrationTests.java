package com.moa.search.popular;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.search.SearchIntegrationTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Popular keywords over 24 hours and 7 days on a clock the test sets: a search 25 hours
 * ago is in 7d but not in 24h; each search counts once; answers are reused for 5 s.
 */
class PopularIntegrationTests extends SearchIntegrationTestSupport {

	@Autowired
	PopularController controller;

	Instant now;

	String tag;

	@BeforeEach
	void freshClock() {
		this.now = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
		this.clock.set(this.now);
		this.controller.clearCache();
		// Other tests' searches share the database: rank only this test's.
		this.mongo.remove(new org.springframework.data.mongodb.core.query.Query(), "popular_buckets");
		this.tag = UUID.randomUUID().toString().substring(0, 6);
	}

	@AfterEach
	void realClock() {
		this.clock.set(Instant.now());
	}

	@Test
	void windowsCountSearchesByWhenTheyHappened() {
		UUID user = UUID.randomUUID();
		String fresh = "fresh " + this.tag;
		String old = "old " + this.tag;
		String week = "week " + this.tag;
		searched(user, fresh, this.now.minus(Duration.ofMinutes(10)));
		searched(UUID.randomUUID(), fresh, this.now.minus(Duration.ofHours(23)));
		searched(user, old, this.now.minus(Duration.ofHours(25)));
		searched(user, week, this.now.minus(Duration.ofDays(6)));
		awaitSearch(searched(user, "ancient " + this.tag, this.now.minus(Duration.ofDays(8))));

		assertThat(popular("24h", 50)).contains(fresh + "=2").doesNotContain(old + "=1", week + "=1");
		assertThat(popular("7d", 50)).contains(fresh + "=2", old + "=1", week + "=1")
			.noneMatch((entry) -> entry.startsWith("ancient " + this.tag));
		List<String> ranked = popular("7d", 50).stream().filter((entry) -> entry.contains(this.tag)).toList();
		assertThat(ranked.get(0)).isEqualTo(fresh + "=2");
	}

	/** One aggregation per window serves every limit, not one per limit. */
	@Test
	void everyLimitIsCutFromOneAnswerPerWindow() {
		String keyword = "limits " + this.tag;
		awaitSearch(searched(UUID.randomUUID(), keyword, this.now));
		assertThat(popular("24h", 50)).containsExactly(keyword + "=1");
		awaitSearch(searched(UUID.randomUUID(), keyword, this.now));

		for (int limit = 1; limit < 50; limit++) {
			assertThat(popular("24h", limit)).as("limit " + limit).containsExactly(keyword + "=1");
		}
	}

	@Test
	void answersAreReusedForFiveSeconds() {
		String keyword = "cached " + this.tag;
		awaitSearch(searched(UUID.randomUUID(), keyword, this.now));
		assertThat(popular("24h", 49)).contains(keyword + "=1");
		awaitSearch(searched(UUID.randomUUID(), keyword, this.now));
		assertThat(popular("24h", 49)).contains(keyword + "=1");
		// After 5 s the cached answer is still served while one background query renews
		// it.
		this.clock.advance(Duration.ofSeconds(6));
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(popular("24h", 49)).contains(keyword + "=2"));
	}

	@Test
	void refusesUnknownWindowsAndLimits() {
		assertThat(get("/api/search/popular?window=1h", null)).hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("window");
		assertThat(get("/api/search/popular?limit=0", null)).hasStatus(400);
		assertThat(get("/api/search/popular?limit=51", null)).hasStatus(400);
		assertThat(get("/api/search/popular?limit=abc", null)).hasStatus(400);
		assertThat(get("/api/search/popular", null)).hasStatusOk();
	}

	/** keyword=count entries, most searched first. */
	private List<String> popular(String window, int limit) {
		String body = body(get("/api/search/popular?window=" + window + "&limit=" + limit, null));
		List<Map<String, Object>> rows = JsonPath.read(body, "$");
		return rows.stream().map((row) -> row.get("keyword") + "=" + row.get("count")).toList();
	}

}
