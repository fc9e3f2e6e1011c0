package com.moa.search.suggestion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.jayway.jsonpath.JsonPath;
import com.moa.search.SearchIntegrationTestSupport;
import com.moa.search.product.ProductTitles;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Suggestions for Korean and English prefixes from popular keywords (most searched first,
 * only once enough distinct users searched them) and published product titles; prefixes
 * are matched literally; product events are version-checked.
 */
class SuggestionIntegrationTests extends SearchIntegrationTestSupport {

	@Test
	void koreanAndEnglishPrefixesSuggestPopularKeywordsThenPublishedTitles() {
		String tag = "헬" + UUID.randomUUID().toString().substring(0, 4);
		Instant now = Instant.now();
		searchedByNewUsers(MIN_SEARCHERS + 1, tag + " 요가 매트", now);
		searchedByNewUsers(MIN_SEARCHERS, tag + " 요가", now);
		// Two spellings, one keyword: its users together are enough.
		searched(UUID.randomUUID(), "YOGA Mat " + tag, now);
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS - 1, "yoga mat " + tag, now));
		UUID block = product(tag + " 요가 블록 세트", "PUBLISHED", 1);
		product(tag + " 요리 클래스", "PUBLISHED", 1);
		awaitProduct(product(tag + " 요가 숨김", "DRAFT", 1));

		assertThat(suggestions(tag + " 요")).containsExactly(tag + " 요가 매트", tag + " 요가", tag + " 요가 블록 세트",
				tag + " 요리 클래스");
		assertThat(suggestions(tag + " 요가 ")).containsExactly(tag + " 요가 매트", tag + " 요가", tag + " 요가 블록 세트");
		assertThat(suggestions("Yoga MAT " + tag)).containsExactly("yoga mat " + tag);
		// Syllables, not jamo: "ㅇ" is not the start of "요".
		assertThat(suggestions(tag + " ㅇ")).isEmpty();
		assertThat(get("/api/search/suggestions?prefix=" + tag + "%20%EC%9A%94&limit=2", null)).bodyJson()
			.extractingPath("$.length()")
			.isEqualTo(2);

		// A newer state hides the title; an older one arriving late does not bring it
		// back.
		awaitProduct(product(block, tag + " 요가 블록 세트", "UNPUBLISHED", 2));
		awaitProduct(product(block, tag + " 요가 블록 세트", "PUBLISHED", 1));
		assertThat(suggestions(tag + " 요가 블")).isEmpty();
	}

	@Autowired
	ProductTitles titles;

	@Autowired
	SuggestionController controller;

	/**
	 * A keyword one user searched many times (their phone number), or K-1 users, is not
	 * suggested to everyone; a product title with the same start still is (public data).
	 * The K-th user makes it a suggestion.
	 */
	@Test
	void aKeywordFewUsersSearchedIsNotSuggestedButTitlesStillAre() {
		String tag = "p" + UUID.randomUUID().toString().substring(0, 6);
		String phone = tag + " 010-1234-5678";
		String friend = tag + " 김민지";
		UUID owner = UUID.randomUUID();
		for (int i = 0; i < 10; i++) {
			searched(owner, phone, Instant.now());
		}
		List<UUID> few = java.util.stream.Stream.generate(UUID::randomUUID).limit(MIN_SEARCHERS - 1).toList();
		for (int i = 0; i < 5; i++) {
			few.forEach((user) -> searched(user, friend, Instant.now()));
		}
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, tag + " 요가", Instant.now()));
		awaitProduct(product(tag + " 0 클래스", "PUBLISHED", 1));

		assertThat(suggestions(tag)).containsExactly(tag + " 요가", tag + " 0 클래스");
		assertThat(suggestions(tag + " 0")).containsExactly(tag + " 0 클래스");
		assertThat(suggestions(tag + " 김")).isEmpty();

		searchedByNewUsers(MIN_SEARCHERS - 1, phone, Instant.now());
		awaitSearch(searchedByNewUsers(1, friend, Instant.now()));
		this.controller.clearCache();
		assertThat(suggestions(tag)).containsExactly(phone, friend, tag + " 요가", tag + " 0 클래스");
	}

	@Test
	void productsSharingATitleTakeOneSuggestionNotTheWholeLimit() {
		String tag = "mat" + UUID.randomUUID().toString().substring(0, 4);
		for (int i = 0; i < 10; i++) {
			product(tag + " Yoga Mat", "PUBLISHED", 1);
		}
		awaitProduct(product(tag + " Yoga Mat Pro", "PUBLISHED", 1));

		assertThat(suggestions(tag + " yoga")).containsExactly(tag + " Yoga Mat", tag + " Yoga Mat Pro");
	}

	/**
	 * Two events of a product the service has not seen, applied at once (four consumers,
	 * several instances): both upserts insert, one collides, and the newer state must
	 * still win, whichever came first. (The local MongoDB-wire server applies an upsert
	 * atomically, so the collision happens only against real MongoDB, under Docker;
	 * ProductTitlesTests plays it on every machine.)
	 */
	@Test
	void theNewerOfTwoConcurrentFirstEventsOfAProductWins() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<UUID> products = new ArrayList<>();
		try {
			List<Future<?>> stores = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				UUID productId = UUID.randomUUID();
				products.add(productId);
				CountDownLatch start = new CountDownLatch(1);
				stores.add(pool.submit(() -> {
					start.await();
					this.titles.store(productId, "Draft", false, 1);
					return null;
				}));
				stores.add(pool.submit(() -> {
					start.await();
					this.titles.store(productId, "Published", true, 2);
					return null;
				}));
				stores.add(pool.submit(() -> {
					start.countDown();
					return null;
				}));
			}
			for (Future<?> store : stores) {
				store.get();
			}
		}
		finally {
			pool.shutdown();
		}
		for (UUID productId : products) {
			Document stored = this.mongo.findById(productId.toString(), Document.class, "product_titles");
			assertThat(stored.get("version", Number.class).longValue()).as(productId.toString()).isEqualTo(2);
			assertThat(stored.getString("title")).isEqualTo("Published");
		}
	}

	@Test
	void prefixesAreLiteral() {
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, "c++ (basics) [1]", Instant.now()));
		assertThat(suggestions("c++ (")).containsExactly("c++ (basics) [1]");
		assertThat(suggestions(".*")).isEmpty();
		assertThat(suggestions("\\")).isEmpty();
		assertThat(suggestions("(")).isEmpty();
	}

	/** One answer per prefix serves every limit, not one query per limit. */
	@Test
	void everyLimitIsCutFromOneAnswerPerPrefix() {
		String tag = "lim" + UUID.randomUUID().toString().substring(0, 4);
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, tag + " first", Instant.now()));
		assertThat(suggestions(tag)).containsExactly(tag + " first");
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS + 1, tag + " second", Instant.now()));

		String encoded = "/api/search/suggestions?prefix=" + tag + "&limit=";
		for (int limit = 1; limit < 10; limit++) {
			assertThat(JsonPath.<List<String>>read(body(get(encoded + limit, null)), "$")).as("limit " + limit)
				.containsExactly(tag + " first");
		}
	}

	@Test
	void refusesAnEmptyOrOverlongPrefix() {
		assertThat(get("/api/search/suggestions", null)).hasStatus(400);
		assertThat(get("/api/search/suggestions?prefix=%20%20", null)).hasStatus(400);
		assertThat(get("/api/search/suggestions?prefix=" + "a".repeat(101), null)).hasStatus(400);
		assertThat(get("/api/search/suggestions?prefix=a&limit=0", null)).hasStatus(400);
	}

	private List<String> suggestions(String prefix) {
		String encoded = java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8)
			.replace("+", "%20");
		return JsonPath.read(body(get("/api/search/suggestions?prefix=" + encoded + "&limit=10", null)), "$");
	}

	private UUID product(String title, String status, long version) {
		return product(UUID.randomUUID(), title, status, version);
	}

	private final List<UUID> productEvents = new ArrayList<>();

	private UUID product(UUID productId, String title, String status, long version) {
		UUID eventId = UUID.randomUUID();
		send(eventId, "product.upserted", productId, Map.of("productId", productId, "sellerId", UUID.randomUUID(),
				"title", title, "status", status, "version", version, "plans", List.of()));
		this.productEvents.add(eventId);
		return productId;
	}

	/** Every product event this test sent is applied (four consumers: in any order). */
	private void awaitProduct(UUID productId) {
		this.productEvents.forEach((eventId) -> awaitProcessed("search.product-events", eventId));
	}

}
