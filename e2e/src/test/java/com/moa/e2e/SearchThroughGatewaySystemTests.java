package com.moa.e2e;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.moa.e2e.Api.get;
import static com.moa.e2e.Api.json;
import static com.moa.e2e.Api.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Searching the catalog through the gateway feeds search-service: the signed-in user's
 * history (newest first), popular keywords and suggestions (a keyword once three users
 * searched it); deleting works and turning recording off stops it.
 */
class SearchThroughGatewaySystemTests {

	// Popular keywords are cached for 5 s: an answer from before the last search can
	// stand that long.
	static final Duration WITHIN = Duration.ofSeconds(10);

	static ServiceProcess gateway;

	@BeforeAll
	static void startSystem() throws Exception {
		SystemUnderTest.start();
		gateway = SystemUnderTest.gateway;
	}

	@Test
	void searchesBecomeHistoryPopularKeywordsAndSuggestions() throws Exception {
		String token = Api.accessToken("CONSUMER");
		String tag = "검색" + UUID.randomUUID().toString().substring(0, 6);
		String first = tag + " 요가";
		String second = tag + " 필라테스";
		search(first, token);
		search(second, token);
		// Public only once three people searched it: the first keyword, not the second.
		search(first, Api.accessToken("CONSUMER"));
		search(first, Api.accessToken("CONSUMER"));

		await("/api/search/history", token,
				(history) -> history.size() == 2 && history.get(0).get("keyword").asString().equals(second)
						&& history.get(1).get("keyword").asString().equals(first));
		await("/api/search/popular?window=24h&limit=50", null, (popular) -> contains(popular, "keyword", first));
		assertThat(contains(json.readTree(get(gateway, "/api/search/popular?window=24h&limit=50", null).body()),
				"keyword", second))
			.as("searched by one user only")
			.isFalse();
		await("/api/search/suggestions?prefix=" + encode(tag + " 요"), null,
				(suggestions) -> suggestions.size() == 1 && suggestions.get(0).asString().equals(first));
		assertThat(json.readTree(get(gateway, "/api/search/suggestions?prefix=" + encode(tag + " 필"), null).body()))
			.isEmpty();

		HttpResponse<String> deleted = send(gateway, "DELETE", "/api/search/history/" + encode(first), null, token);
		assertThat(deleted.statusCode()).isEqualTo(204);
		await("/api/search/history", token,
				(history) -> history.size() == 1 && history.get(0).get("keyword").asString().equals(second));

		HttpResponse<String> off = send(gateway, "PUT", "/api/search/history/settings", Map.of("enabled", false),
				token);
		assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
		search(tag + " 비공개", token);
		search(tag + " 다시", token);
		Thread.sleep(1500);
		JsonNode history = json.readTree(get(gateway, "/api/search/history", token).body());
		assertThat(history.size()).isEqualTo(1);
		assertThat(get(gateway, "/api/search/history", null).statusCode()).isEqualTo(401);
	}

	@Test
	void anyKeywordIsDeletedByTheDocumentedPath() throws Exception {
		String token = Api.accessToken("CONSUMER");
		String tag = UUID.randomUUID().toString().substring(0, 6);
		// Each of these made a path the gateway (and search-service's firewall) refused.
		String[] keywords = { "50% 할인 " + tag, "AC/DC " + tag, tag + " a;b\\c" };
		for (String keyword : keywords) {
			search(keyword, token);
		}
		await("/api/search/history", token, (history) -> history.size() == keywords.length);

		for (String keyword : keywords) {
			HttpResponse<String> deleted = send(gateway, "DELETE", "/api/search/history/" + encode(keyword), null,
					token);
			assertThat(deleted.statusCode()).as(keyword + ": " + deleted.body()).isEqualTo(204);
		}
		await("/api/search/history", token, JsonNode::isEmpty);
	}

	private static void search(String keyword, String token) throws Exception {
		assertThat(get(gateway, "/api/products?q=" + encode(keyword), token).statusCode()).isEqualTo(200);
	}

	private static boolean contains(JsonNode array, String field, String value) {
		for (JsonNode element : array) {
			if (value.equals(element.get(field).asString())) {
				return true;
			}
		}
		return false;
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static void await(String path, String token, Predicate<JsonNode> shown) throws Exception {
		long deadline = System.nanoTime() + WITHIN.toNanos();
		JsonNode last = null;
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = get(gateway, path, token);
			if (response.statusCode() == 200) {
				last = json.readTree(response.body());
				if (shown.test(last)) {
					return;
				}
			}
			Thread.sleep(100);
		}
		assertThat(last != null && shown.test(last)).as("%s within %s, last seen %s", path, WITHIN, last).isTrue();
	}

}
