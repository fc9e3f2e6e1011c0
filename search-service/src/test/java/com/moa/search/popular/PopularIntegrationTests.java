package com.moa.search.popular;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.jayway.jsonpath.JsonPath;
import com.moa.search.SearchIntegrationTestSupport;
import com.moa.search.SearchProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Popular keywords over 24 hours and 7 days on a clock the test sets: a search 25 hours
 * ago is in 7d but not in 24h; each search counts once; a keyword is popular only once
 * enough distinct users searched it in the window; answers are reused for 5 s.
 */
class PopularIntegrationTests extends SearchIntegrationTestSupport {

	@Autowired
	PopularController controller;

	@Autowired
	SearchProperties properties;

	@Autowired
	PopularKeywords keywords;

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
		searchedByNewUsers(MIN_SEARCHERS, fresh, this.now.minus(Duration.ofMinutes(10)));
		searched(user, fresh, this.now.minus(Duration.ofHours(23)));
		searchedByNewUsers(MIN_SEARCHERS, old, this.now.minus(Duration.ofHours(25)));
		searchedByNewUsers(MIN_SEARCHERS, week, this.now.minus(Duration.ofDays(6)));
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, "ancient " + this.tag, this.now.minus(Duration.ofDays(8))));

		int k = MIN_SEARCHERS;
		assertThat(popular("24h", 50)).contains(fresh + "=" + (k + 1))
			.noneMatch((entry) -> entry.startsWith(old) || entry.startsWith(week));
		assertThat(popular("7d", 50)).contains(fresh + "=" + (k + 1), old + "=" + k, week + "=" + k)
			.noneMatch((entry) -> entry.startsWith("ancient " + this.tag));
		List<String> ranked = popular("7d", 50).stream().filter((entry) -> entry.contains(this.tag)).toList();
		assertThat(ranked.get(0)).isEqualTo(fresh + "=" + (k + 1));
	}

	/**
	 * One person searching their phone number (or a few people a friend's name) a hundred
	 * times does not make it public; the K-th person does, and every search counts.
	 */
	@Test
	void aKeywordIsPopularOnlyOnceEnoughDistinctUsersSearchedIt() {
		String lonely = "010-1234-5678 " + this.tag;
		String few = "friend name " + this.tag;
		UUID owner = UUID.randomUUID();
		for (int i = 0; i < 12; i++) {
			searched(owner, lonely, this.now.minus(Duration.ofMinutes(5 * i)));
		}
		List<UUID> friends = java.util.stream.Stream.generate(UUID::randomUUID).limit(MIN_SEARCHERS - 1).toList();
		for (int i = 0; i < 5; i++) {
			for (UUID friend : friends) {
				searched(friend, few, this.now.minus(Duration.ofMinutes(i)));
			}
		}
		// A keyword others searched, so that an empty answer proves nothing.
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, "public " + this.tag, this.now));

		for (String window : List.of("24h", "7d")) {
			assertThat(popular(window, 50)).as(window)
				.contains("public " + this.tag + "=" + MIN_SEARCHERS)
				.noneMatch((entry) -> entry.startsWith(lonely) || entry.startsWith(few));
		}

		searchedByNewUsers(MIN_SEARCHERS - 1, lonely, this.now);
		awaitSearch(searchedByNewUsers(1, few, this.now));
		this.controller.clearCache();
		for (String window : List.of("24h", "7d")) {
			assertThat(popular(window, 50)).as(window)
				.containsSubsequence(lonely + "=" + (12 + MIN_SEARCHERS - 1),
						few + "=" + (5 * (MIN_SEARCHERS - 1) + 1));
		}
	}

	/**
	 * Distinct users are counted over the window, not per hour: K-1 users each searching
	 * in three hours (up to K-1 per bucket, more summed over buckets) are K-1, and the
	 * K-th one's search counts only in the windows it falls in.
	 */
	@Test
	void aUserIsCountedOnceAcrossHoursAndOnlyInsideTheWindow() {
		String keyword = "across hours " + this.tag;
		UUID sent = null;
		for (int i = 0; i < MIN_SEARCHERS - 1; i++) {
			UUID user = UUID.randomUUID();
			for (int hour = 1; hour <= 3; hour++) {
				sent = searched(user, keyword, this.now.minus(Duration.ofHours(i + hour)));
			}
		}
		awaitSearch(sent);
		assertThat(popular("24h", 50)).noneMatch((entry) -> entry.startsWith(keyword));
		assertThat(popular("7d", 50)).noneMatch((entry) -> entry.startsWith(keyword));

		// The K-th user, 30 hours ago: in 7d, not in 24h.
		UUID last = UUID.randomUUID();
		awaitSearch(searched(last, keyword, this.now.minus(Duration.ofHours(30))));
		int searches = 3 * (MIN_SEARCHERS - 1);
		this.controller.clearCache();
		assertThat(popular("7d", 50)).contains(keyword + "=" + (searches + 1));
		assertThat(popular("24h", 50)).noneMatch((entry) -> entry.startsWith(keyword));

		awaitSearch(searched(last, keyword, this.now));
		this.controller.clearCache();
		assertThat(popular("24h", 50)).contains(keyword + "=" + (searches + 1));
		assertThat(popular("7d", 50)).contains(keyword + "=" + (searches + 2));
	}

	/**
	 * Buckets written before searchers were kept (no {@code searchers}) qualify nobody,
	 * however high their count: privacy first. Once K users search again, their searches
	 * still count.
	 */
	@Test
	void bucketsWithoutSearchersQualifyNobodyButTheirSearchesCount() {
		String keyword = "legacy " + this.tag;
		Instant hour = this.now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
		this.mongo.insert(new org.bson.Document("_id", hour.getEpochSecond() + ":" + keyword).append("hour", hour)
			.append("keyword", keyword)
			.append("count", 50), "popular_buckets");
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS - 1, keyword, this.now));
		assertThat(popular("24h", 50)).noneMatch((entry) -> entry.startsWith(keyword));

		awaitSearch(searchedByNewUsers(1, keyword, this.now));
		this.controller.clearCache();
		assertThat(popular("24h", 50)).contains(keyword + "=" + (50 + MIN_SEARCHERS));
	}

	/**
	 * More users than K searching one keyword at once (four consumers): each bucket keeps
	 * exactly K searchers, never more, and counts every search.
	 */
	@Test
	void concurrentSearchesKeepSearchersBoundedAndCountEverySearch() {
		int users = MIN_SEARCHERS + 5;
		List<String> keywords = java.util.stream.IntStream.range(0, 6)
			.mapToObj((i) -> "crowd " + i + " " + this.tag)
			.toList();
		UUID last = null;
		for (int i = 0; i < users; i++) {
			UUID user = UUID.randomUUID();
			for (String keyword : keywords) {
				last = searched(user, keyword, this.now);
			}
		}
		awaitSearch(last);

		for (String keyword : keywords) {
			org.bson.Document bucket = this.mongo.findById(
					this.now.truncatedTo(ChronoUnit.HOURS).getEpochSecond() + ":" + keyword, org.bson.Document.class,
					"popular_buckets");
			assertThat(bucket.getInteger("count")).as(keyword).isEqualTo(users);
			assertThat(bucket.getList(this.keywords.searchersField(), String.class)).as(keyword)
				.hasSize(MIN_SEARCHERS)
				.doesNotHaveDuplicates();
		}
		assertThat(popular("24h", 50)).containsAll(keywords.stream().map((keyword) -> keyword + "=" + users).toList());
	}

	/**
	 * A bucket names its searchers by a keyed digest of user and keyword: neither the
	 * user id nor a digest that anyone holding user ids could compute.
	 */
	@Test
	void searchersAreKeyedDigestsOfUserAndKeyword() throws Exception {
		UUID user = UUID.randomUUID();
		String keyword = "keyed " + this.tag;
		awaitSearch(searched(user, keyword, this.now));

		byte[] input = (user + ":" + keyword).getBytes(StandardCharsets.UTF_8);
		Mac hmac = Mac.getInstance("HmacSHA256");
		hmac.init(new SecretKeySpec(this.properties.searcherKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		List<String> searchers = this.mongo
			.findById(this.now.truncatedTo(ChronoUnit.HOURS).getEpochSecond() + ":" + keyword, org.bson.Document.class,
					"popular_buckets")
			.getList(this.keywords.searchersField(), String.class);
		assertThat(searchers).containsExactly(firstBytes(hmac.doFinal(input)))
			.doesNotContain(firstBytes(MessageDigest.getInstance("SHA-256").digest(input)), user.toString());
	}

	/**
	 * Digests made under another key (before a rotation) are kept apart: one person
	 * searching before and after the rotation is not two searchers.
	 */
	@Test
	void searchersUnderAnotherKeyAreNotCountedWithThisKeysOnes() {
		String keyword = "rotated " + this.tag;
		UUID person = UUID.randomUUID();
		SearchProperties previousKey = new SearchProperties(50, Duration.ofSeconds(5), Duration.ofSeconds(10),
				Duration.ofDays(8), Duration.ofSeconds(2), MIN_SEARCHERS, "the previous key");
		PopularKeywords beforeRotation = new PopularKeywords(this.mongo, this.clock, previousKey);
		Instant hourBefore = this.now.minus(Duration.ofHours(1));
		beforeRotation.count(keyword, person, hourBefore);
		for (int i = 0; i < MIN_SEARCHERS - 2; i++) {
			beforeRotation.count(keyword, UUID.randomUUID(), hourBefore);
		}

		awaitSearch(searched(person, keyword, this.now));

		assertThat(beforeRotation.searchersField()).isNotEqualTo(this.keywords.searchersField());
		assertThat(popular("24h", 50)).noneMatch((entry) -> entry.startsWith(keyword));
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS - 1, keyword, this.now));
		this.controller.clearCache();
		assertThat(popular("24h", 50)).contains(keyword + "=" + (2 * MIN_SEARCHERS - 1));
	}

	private static String firstBytes(byte[] digest) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
	}

	/** One aggregation per window serves every limit, not one per limit. */
	@Test
	void everyLimitIsCutFromOneAnswerPerWindow() {
		String keyword = "limits " + this.tag;
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, keyword, this.now));
		assertThat(popular("24h", 50)).containsExactly(keyword + "=" + MIN_SEARCHERS);
		awaitSearch(searched(UUID.randomUUID(), keyword, this.now));

		for (int limit = 1; limit < 50; limit++) {
			assertThat(popular("24h", limit)).as("limit " + limit).containsExactly(keyword + "=" + MIN_SEARCHERS);
		}
	}

	@Test
	void answersAreReusedForFiveSeconds() {
		String keyword = "cached " + this.tag;
		awaitSearch(searchedByNewUsers(MIN_SEARCHERS, keyword, this.now));
		assertThat(popular("24h", 49)).contains(keyword + "=" + MIN_SEARCHERS);
		awaitSearch(searched(UUID.randomUUID(), keyword, this.now));
		assertThat(popular("24h", 49)).contains(keyword + "=" + MIN_SEARCHERS);
		// After 5 s the cached answer is still served while one background query renews
		// it.
		this.clock.advance(Duration.ofSeconds(6));
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(popular("24h", 49)).contains(keyword + "=" + (MIN_SEARCHERS + 1)));
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
