package com.moa.search.popular;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import com.moa.platform.web.Keywords;
import com.moa.search.SearchIntegrationTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * search-service's side of the {@code search.performed} contract in docs/events.md: the
 * largest documented keyword, in the characters most likely to be cut or changed, is
 * remembered, counted, suggested and deletable exactly as normalized, whether it arrives
 * normalized (as lookup-service publishes it) or as typed (the limit holds after
 * normalization).
 */
class SearchEventContractIntegrationTests extends SearchIntegrationTestSupport {

	private static final String EVENT = "search.performed";

	@Autowired
	PopularController controller;

	@BeforeEach
	void freshClock() {
		this.clock.set(Instant.now());
		this.controller.clearCache();
		// Other tests' searches share the database: rank only this test's.
		this.mongo.remove(new Query(), "popular_buckets");
	}

	@AfterEach
	void realClock() {
		this.clock.set(Instant.now());
	}

	@Test
	void remembersCountsAndSuggestsTheLargestDocumentedKeywordUnchanged() {
		String typed = largestKeywordAsTyped("k" + UUID.randomUUID().toString().substring(0, 6));
		String keyword = Keywords.normalize(typed);
		assertThat((long) keyword.length()).isEqualTo(limit().max());
		assertThat(typed).isNotEqualTo(keyword);
		assertThat(keyword.codePoints().filter(Character::isSupplementaryCodePoint).count()).isPositive();

		List<UUID> users = new ArrayList<>();
		for (int i = 0; i < MIN_SEARCHERS - 1; i++) {
			users.add(UUID.randomUUID());
			searched(users.get(i), keyword, this.clock.instant());
		}
		// The last one as typed: a consumer measuring before it normalizes refuses it.
		users.add(UUID.randomUUID());
		awaitSearch(searched(users.get(MIN_SEARCHERS - 1), typed, this.clock.instant()));

		for (UUID user : users) {
			assertThat(history(user)).as(user.toString()).containsExactly(keyword);
		}
		assertThat(popular("24h")).contains(keyword + "=" + MIN_SEARCHERS);
		assertThat(popular("7d")).contains(keyword + "=" + MIN_SEARCHERS);
		assertThat(suggestions(keyword)).containsExactly(keyword);
		// Deleted by the keyword as history shows it: the whole of it was stored.
		UUID deleter = users.get(0);
		assertThat(this.mvc.delete()
			.uri(URI.create("/api/search/history?keyword=" + encode(keyword)))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(deleter))
			.exchange()).hasStatus(204);
		assertThat(history(deleter)).isEmpty();
	}

	/**
	 * A keyword of exactly the documented maximum once normalized, as a user might type
	 * it: capitals, ideographic and repeated spaces, Hangul as separate jamo, {@code E}
	 * with a combining acute, the ohm sign, supplementary characters (emoji, CJK
	 * Extension B), a Hebrew letter NFC expands to three units and a capital I whose
	 * lower case is two.
	 */
	private static String largestKeywordAsTyped(String tag) {
		long max = limit().max();
		List<String> pieces = List.of("😀", "\u1112\u1161\u11ab", "E\u0301", "\u2126", "𠜎", "\u1100\u1161", "\ufb2c",
				"\u0130", "\u3000 ");
		StringBuilder typed = new StringBuilder(" " + tag.toUpperCase(Locale.ROOT) + "\u3000\u3000");
		for (int i = 0; Keywords.normalize(typed + pieces.get(i % pieces.size()) + "가").length() <= max; i++) {
			typed.append(pieces.get(i % pieces.size()));
		}
		while (Keywords.normalize(typed.toString()).length() < max) {
			typed.append("\u1100\u1161");
		}
		return typed.append('\u3000').toString();
	}

	private List<String> popular(String window) {
		MvcTestResult answer = get("/api/search/popular?window=" + window + "&limit=50", null);
		assertThat(answer).hasStatusOk();
		List<Map<String, Object>> rows = JsonPath.read(body(answer), "$");
		return rows.stream().map((row) -> row.get("keyword") + "=" + row.get("count")).toList();
	}

	private List<String> suggestions(String prefix) {
		MvcTestResult answer = get("/api/search/suggestions?prefix=" + encode(prefix) + "&limit=10", null);
		assertThat(answer).hasStatusOk();
		return JsonPath.read(body(answer), "$");
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static FieldLimit limit() {
		return EventContract.limit(EVENT, "keyword");
	}

}
