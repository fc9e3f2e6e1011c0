package com.moa.search.history;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.moa.search.FaultInjectingMongoTemplate;
import com.moa.search.SearchIntegrationTestSupport;
import com.moa.search.SearchProperties;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's history from real {@code search.performed} events: one entry per normalized
 * keyword, a repeat moves it to the top, at most 50 also under concurrent searches,
 * delete one or all, recording off, and nobody sees another user's history.
 */
class HistoryIntegrationTests extends SearchIntegrationTestSupport {

	@Autowired
	SearchHistory searchHistory;

	@Autowired
	FaultInjectingMongoTemplate faultyMongo;

	@Autowired
	SearchProperties properties;

	@Test
	void oneEntryPerNormalizedKeywordNewestFirstARepeatMovesToTheTop() {
		UUID user = UUID.randomUUID();
		// MongoDB keeps milliseconds.
		Instant t = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
		searched(user, "요가", t);
		searched(user, "  Netflix \t PREMIUM ", t.plusSeconds(1));
		awaitSearch(searched(user, "요가", t.plusSeconds(2)));

		assertThat(history(user)).containsExactly("요가", "netflix premium");
		assertThat(get("/api/search/history?limit=1", token(user))).bodyJson()
			.extractingPath("$[0].searchedAt")
			.isEqualTo(t.plusSeconds(2).toString());
	}

	@Test
	void keepsTheNewestFifty() {
		UUID user = UUID.randomUUID();
		Instant t = Instant.now().minusSeconds(600);
		UUID last = null;
		for (int i = 0; i < 60; i++) {
			last = searched(user, "keyword " + i, t.plusSeconds(i));
		}
		awaitSearch(last);
		List<String> history = history(user);
		assertThat(history).hasSize(50).first().isEqualTo("keyword 59");
		assertThat(history).last().isEqualTo("keyword 10");
	}

	@Test
	void twentyConcurrentSearchesByOneUserNeitherExceedTheCapNorLoseOne() throws Exception {
		UUID user = UUID.randomUUID();
		Instant t = Instant.now().minusSeconds(3600);
		for (int i = 0; i < 45; i++) {
			this.searchHistory.record(user, "old " + i, t.plusSeconds(i));
		}
		ExecutorService pool = Executors.newFixedThreadPool(20);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> searches = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String keyword = (i < 5) ? "old " + (i * 9) : "new " + i;
			Instant at = t.plusSeconds(1000 + i);
			searches.add(pool.submit(() -> {
				start.await();
				this.searchHistory.record(user, keyword, at);
				return null;
			}));
		}
		start.countDown();
		for (Future<?> search : searches) {
			search.get();
		}
		pool.shutdown();

		List<String> history = history(user);
		assertThat(history).hasSize(50).doesNotHaveDuplicates();
		assertThat(this.mongo.findById(user.toString(), org.bson.Document.class, "search_users"))
			.as("the per-user counter matches")
			.containsEntry("entries", 50L);
		// The 20 searched now are the newest 20 (5 of them repeats moved to the top).
		assertThat(history.subList(0, 20)).containsExactlyInAnyOrder("old 0", "old 9", "old 18", "old 27", "old 36",
				"new 5", "new 6", "new 7", "new 8", "new 9", "new 10", "new 11", "new 12", "new 13", "new 14", "new 15",
				"new 16", "new 17", "new 18", "new 19");
	}

	@Test
	void deleteOneByItsNormalizedFormOrAll() {
		UUID user = UUID.randomUUID();
		Instant t = Instant.now().minusSeconds(60);
		searched(user, "요가 매트", t);
		awaitSearch(searched(user, "netflix", t.plusSeconds(1)));

		// " 요가 매트" URL-encoded as one path segment, normalized before matching.
		assertThat(this.mvc.delete()
			.uri(java.net.URI.create("/api/search/history/%20%EC%9A%94%EA%B0%80%20%20%EB%A7%A4%ED%8A%B8"))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(user))).hasStatus(204);
		assertThat(history(user)).containsExactly("netflix");
		assertThat(this.mvc.delete()
			.uri("/api/search/history/never-searched")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(user))).hasStatus(204);
		assertThat(
				this.mvc.delete().uri("/api/search/history").header(HttpHeaders.AUTHORIZATION, "Bearer " + token(user)))
			.hasStatus(204);
		assertThat(history(user)).isEmpty();
	}

	/**
	 * A search made before a delete that arrives after it (a queued event, a backlog)
	 * does not bring the keyword back; one made after it does.
	 */
	@Test
	void aDeletedKeywordDoesNotComeBackFromASearchMadeBeforeTheDelete() {
		UUID user = UUID.randomUUID();
		Instant inFlight = this.clock.instant().minusSeconds(5);
		searched(user, "gone", inFlight.minusSeconds(10));
		awaitSearch(searched(user, "cleared", inFlight.minusSeconds(9)));
		assertThat(deleteHistory("/api/search/history/gone", user)).hasStatus(204);

		awaitSearch(searched(user, "gone", inFlight));
		assertThat(history(user)).containsExactly("cleared");
		assertThat(deleteHistory("/api/search/history", user)).hasStatus(204);
		searched(user, "cleared", inFlight);
		awaitSearch(searched(user, "made before the clear", inFlight.plusSeconds(1)));
		assertThat(history(user)).isEmpty();

		this.clock.advance(Duration.ofSeconds(1));
		awaitSearch(searched(user, "gone", this.clock.instant()));
		assertThat(history(user)).containsExactly("gone");
		assertThat(((Number) this.mongo.findById(user.toString(), Document.class, "search_users").get("entries"))
			.longValue()).as("the counter matches what is stored").isEqualTo(1);
	}

	/**
	 * An entry recorded by an instance whose clock runs ahead (its time, lookup's stamp
	 * capped by the recording instance's clock, is "after now" here) still goes when the
	 * user deletes it or clears the history: the API answered 204 and kept listing it.
	 */
	@Test
	void aDeleteRemovesWhatTheUserSeesWhateverTheClocksSay() {
		UUID user = UUID.randomUUID();
		java.time.Clock ahead = java.time.Clock.offset(this.clock, Duration.ofSeconds(3));
		SearchHistory aheadInstance = new SearchHistory(this.mongo, this.properties, ahead);
		Instant searched = ahead.instant();
		aheadInstance.record(user, "ahead", searched);
		aheadInstance.record(user, "also ahead", searched);
		assertThat(history(user)).containsExactlyInAnyOrder("ahead", "also ahead");

		assertThat(deleteHistory("/api/search/history/ahead", user)).hasStatus(204);
		assertThat(history(user)).containsExactly("also ahead");
		// A duplicate of the deleted search, arriving late, does not bring it back.
		aheadInstance.record(user, "ahead", searched);
		assertThat(history(user)).containsExactly("also ahead");

		assertThat(deleteHistory("/api/search/history", user)).hasStatus(204);
		assertThat(history(user)).isEmpty();
		assertThat(storedEntries(user)).isZero();
		assertThat(counter(user)).isZero();
	}

	/**
	 * A search made before a delete arrives after it, and MongoDB fails its counter
	 * update (before applying it, or after, losing the answer): the retry must not find
	 * the entry inserted by the failed attempt and stop there, which brought the keyword
	 * back and left the counter one short.
	 */
	@ParameterizedTest(name = "counter update applied: {0}")
	@ValueSource(booleans = { false, true })
	void aDeletedKeywordStaysDeletedWhenALateSearchFailedBetweenItsWrites(boolean counterUpdateApplied) {
		UUID user = UUID.randomUUID();
		Instant before = this.clock.instant().minusSeconds(30);
		searched(user, "kept", before.minusSeconds(1));
		awaitSearch(searched(user, "secret", before));
		assertThat(deleteHistory("/api/search/history/secret", user)).hasStatus(204);

		this.faultyMongo.failNextFindAndModify("search_users", user.toString(), counterUpdateApplied);
		awaitSearch(searched(user, "secret", before.plusSeconds(1)));

		assertThat(this.faultyMongo.failed()).as("the injected failure happened").isTrue();
		assertThat(history(user)).containsExactly("kept");
		assertThat(storedEntries(user)).isEqualTo(1);
		// Applied and its answer lost, the increment is taken once more on the retry:
		// one too many (a needless trim), never too few.
		assertThat(counter(user)).isBetween(1L, counterUpdateApplied ? 2L : 1L);
	}

	/**
	 * The counter update of a new keyword fails after the insert: the retry counts the
	 * entry, so the history is trimmed to 50 (the counter stayed one short, and the
	 * history grew past 50).
	 */
	@Test
	void theCapHoldsWhenASearchFailedBetweenItsWrites() {
		UUID user = UUID.randomUUID();
		Instant t = this.clock.instant().minusSeconds(600);
		for (int i = 0; i < 50; i++) {
			this.searchHistory.record(user, "keyword " + i, t.plusSeconds(i));
		}

		this.faultyMongo.failNextFindAndModify("search_users", user.toString(), false);
		awaitSearch(searched(user, "newest", t.plusSeconds(100)));

		assertThat(this.faultyMongo.failed()).as("the injected failure happened").isTrue();
		assertThat(storedEntries(user)).isEqualTo(50);
		assertThat(counter(user)).isEqualTo(50);
		assertThat(history(user)).first().isEqualTo("newest");
		assertThat(history(user)).doesNotContain("keyword 0");
	}

	/**
	 * An entry still being recorded (here its attempt paused after its insert, newest)
	 * takes no place among the newest fifty: a search counted meanwhile pushes out only
	 * the oldest (it pushed out two when the one being recorded was then removed by a
	 * delete, leaving 49), and the history does not show it until it is counted.
	 */
	@Test
	void anEntryBeingRecordedTakesNoPlaceInTheHistory() {
		UUID user = UUID.randomUUID();
		Instant t = this.clock.instant().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
		for (int i = 0; i < 50; i++) {
			this.searchHistory.record(user, "keyword " + i, t.plusSeconds(i));
		}
		this.faultyMongo.insert(new org.bson.Document("_id", user + ":being recorded").append("userId", user.toString())
			.append("keyword", "being recorded")
			.append("searchedAt", java.util.Date.from(t.plusSeconds(200)))
			.append(SearchHistory.UNCOUNTED, true), SearchHistory.COLLECTION);

		this.searchHistory.record(user, "newest", t.plusSeconds(100));

		assertThat(history(user)).hasSize(50).first().isEqualTo("newest");
		assertThat(history(user)).last().isEqualTo("keyword 1");
	}

	/**
	 * Deleting made-up keywords in a loop leaves at most so many marks per user, and
	 * still no deleted keyword comes back from a search made before its delete.
	 */
	@Test
	void deletionMarksPerUserAreBounded() {
		UUID user = UUID.randomUUID();
		UUID other = UUID.randomUUID();
		assertThat(deleteHistory("/api/search/history/others", other)).hasStatus(204);
		Instant before = this.clock.instant().minusSeconds(60);
		int deletes = SearchHistory.MARKS_PER_USER + 20;
		for (int i = 0; i < deletes; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(deleteHistory("/api/search/history?keyword=made-up-" + i, user)).hasStatus(204);
		}

		assertThat(marks(user)).isBetween(1L, (long) SearchHistory.MARKS_PER_USER);
		assertThat(marks(other)).as("another user's marks").isEqualTo(1);
		searched(user, "made-up-0", before);
		awaitSearch(searched(user, "made-up-" + (deletes - 1), before));
		assertThat(history(user)).as("searches made before their deletes").isEmpty();

		this.clock.advance(Duration.ofSeconds(1));
		awaitSearch(searched(user, "made-up-0", this.clock.instant()));
		assertThat(history(user)).as("a search after the delete").containsExactly("made-up-0");
	}

	/**
	 * A search made before a delete, processed after the delete's mark was pruned (a dead
	 * letter replayed 9 days later), does not bring the keyword back, nor is it counted;
	 * a new search is recorded as usual.
	 */
	@Test
	void aDeletedKeywordDoesNotComeBackFromASearchReplayedAfterItsMarkWasPruned() {
		UUID user = UUID.randomUUID();
		Instant t0 = this.clock.instant().minusSeconds(60);
		awaitSearch(searched(user, "병원", t0));
		assertThat(deleteHistory("/api/search/history/" + URLEncoder.encode("병원", StandardCharsets.UTF_8), user))
			.hasStatus(204);

		this.clock.advance(Duration.ofDays(9));
		try {
			this.searchHistory.pruneDeletions(this.clock.instant().minus(this.properties.retention()));
			assertThat(marks(user)).as("the deletion mark is pruned").isZero();
			long counted = popularCount("병원");
			// Not awaitSearch: the hourly prune on this clock may take the t0 event's
			// record.
			UUID replayed = searched(user, "병원", t0.plusSeconds(30));
			awaitProcessed("search.search-events", replayed);
			assertThat(history(user)).isEmpty();
			assertThat(popularCount("병원")).as("the stale search is not counted").isLessThanOrEqualTo(counted);

			awaitProcessed("search.search-events", searched(user, "병원", this.clock.instant()));
			assertThat(history(user)).as("a search after the delete").containsExactly("병원");
		}
		finally {
			this.clock.advance(Duration.ofDays(9).negated());
		}
	}

	/** The hourly prune finds old deletion marks by an index, not by a scan. */
	@Test
	void deletionMarksArePrunedByAnIndex() {
		UUID user = UUID.randomUUID();
		assertThat(deleteHistory("/api/search/history/pruned", user)).hasStatus(204);
		assertThat(this.mongo.indexOps("search_history_deleted").getIndexInfo())
			.anySatisfy((index) -> assertThat(index.getIndexFields().get(0).getKey()).isEqualTo("deletedAt"));
		assertThat(this.searchHistory.pruneDeletions(this.clock.instant().plusSeconds(1))).isPositive();
		assertThat(marks(user)).isZero();
	}

	/**
	 * A keyword with {@code /}, {@code %}, {@code ;} or a backslash cannot be a path
	 * segment (the firewall refuses those encodings): the query parameter form deletes
	 * it. An empty parameter is refused, never read as "delete everything".
	 */
	@Test
	void keywordsThatCannotBeAPathSegmentAreDeletedByParameter() {
		UUID user = UUID.randomUUID();
		List<String> awkward = List.of("ac/dc", "50% 할인", "a;b", "back\\slash", "..", "?&=#+");
		Instant t = this.clock.instant().minusSeconds(60);
		for (int i = 0; i < awkward.size(); i++) {
			this.searchHistory.record(user, awkward.get(i), t.plusSeconds(i));
		}
		this.searchHistory.record(user, "kept", t.minusSeconds(1));
		UUID other = UUID.randomUUID();
		this.searchHistory.record(other, "ac/dc", t);
		assertThat(deleteHistory("/api/search/history/50%25%20%ED%95%A0%EC%9D%B8", user).getResponse().getStatus())
			.as("the path form of a keyword with %")
			.isEqualTo(400);

		for (String keyword : awkward) {
			// MockMvc does not read + as a space, as Tomcat does.
			String parameter = URLEncoder.encode(" " + keyword.toUpperCase(Locale.ROOT) + " ", StandardCharsets.UTF_8)
				.replace("+", "%20");
			assertThat(deleteHistory("/api/search/history?keyword=" + parameter, user)).as(keyword).hasStatus(204);
		}
		assertThat(history(user)).containsExactly("kept");
		assertThat(history(other)).as("another user's history").containsExactly("ac/dc");
		for (String empty : List.of("?keyword=", "?keyword=%20%20", "?keyword")) {
			assertThat(deleteHistory("/api/search/history" + empty, user)).as(empty).hasStatus(400);
		}
		assertThat(history(user)).containsExactly("kept");
	}

	/**
	 * Keywords was not idempotent for some letters with combining marks: "T\u0308" was
	 * stored uncomposed ("t\u0308", which now normalizes to U+1E97). Such an entry, shown
	 * as stored, is still deleted by what history shows.
	 */
	@Test
	void aKeywordStoredUncomposedIsDeletedAsShown() {
		UUID user = UUID.randomUUID();
		Instant t = this.clock.instant().minusSeconds(60);
		this.searchHistory.record(user, "t\u0308", t);
		this.searchHistory.record(user, "kept", t.minusSeconds(1));
		assertThat(history(user)).containsExactly("t\u0308", "kept");

		assertThat(deleteHistory("/api/search/history?keyword=" + URLEncoder.encode("t\u0308", StandardCharsets.UTF_8),
				user))
			.hasStatus(204);

		assertThat(history(user)).containsExactly("kept");
	}

	/**
	 * Concurrent PUTs (two devices) never leave recording on without the end of its off
	 * period, which would let searches made while it was off in.
	 */
	@Test
	void concurrentTogglesLeaveAWholeOffPeriod() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			for (int round = 0; round < 30; round++) {
				UUID user = UUID.randomUUID();
				CountDownLatch start = new CountDownLatch(1);
				List<Future<?>> puts = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					boolean enabled = i % 2 == 0;
					puts.add(pool.submit(() -> {
						start.await();
						return settings(user, enabled).getResponse().getStatus();
					}));
				}
				start.countDown();
				for (Future<?> put : puts) {
					assertThat(put.get()).isEqualTo(200);
				}
				Document stored = this.mongo.findById(user.toString(), Document.class, "search_settings");
				assertThat(stored).as("some PUT turned it off").isNotNull();
				assertThat(stored.get("offSince")).as("%s", stored).isNotNull();
				if (stored.getBoolean("enabled")) {
					assertThat(stored.get("offUntil")).as("%s", stored).isNotNull();
				}
				else {
					assertThat(stored.get("offUntil")).as("%s", stored).isNull();
				}
			}
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void recordingOffStoresAndCountsNothingUntilItIsOnAgain() {
		UUID user = UUID.randomUUID();
		assertThat(get("/api/search/history/settings", token(user))).bodyJson()
			.extractingPath("$.enabled")
			.isEqualTo(true);
		assertThat(settings(user, false)).hasStatusOk().bodyJson().extractingPath("$.enabled").isEqualTo(false);
		String secret = "private " + UUID.randomUUID();
		awaitSearch(searched(user, secret, Instant.now()));
		assertThat(history(user)).isEmpty();
		assertThat(this.mongo.getCollection("popular_buckets")
			.countDocuments(new org.bson.Document("keyword", secret.toLowerCase()))).isZero();

		assertThat(settings(user, true)).hasStatusOk();
		awaitSearch(searched(user, "public", Instant.now()));
		assertThat(history(user)).containsExactly("public");
		assertThat(settings(user, null)).hasStatus(400);
	}

	/**
	 * A search made while recording was off, arriving (a backlog) after it was turned on
	 * again, is judged by when it was made.
	 */
	@Test
	void aSearchMadeWhileRecordingWasOffIsNotRecordedWhenItArrivesLater() {
		UUID user = UUID.randomUUID();
		assertThat(settings(user, false)).hasStatusOk();
		Instant whileOff = this.clock.instant().plusSeconds(30);
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(settings(user, true)).hasStatusOk();
		assertThat(settings(user, true)).hasStatusOk(); // a repeat does not move the
														// period
		String secret = "off " + UUID.randomUUID();

		searched(user, secret, whileOff);
		awaitSearch(searched(user, "on again", this.clock.instant()));

		assertThat(history(user)).containsExactly("on again");
		assertThat(this.mongo.getCollection("popular_buckets")
			.countDocuments(new org.bson.Document("keyword", secret.toLowerCase()))).isZero();
	}

	@Test
	void nobodySeesOrDeletesAnotherUsersHistory() {
		UUID owner = UUID.randomUUID();
		UUID other = UUID.randomUUID();
		awaitSearch(searched(owner, "mine", Instant.now()));

		assertThat(history(other)).isEmpty();
		assertThat(this.mvc.delete()
			.uri("/api/search/history/mine")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(other))).hasStatus(204);
		assertThat(this.mvc.delete()
			.uri("/api/search/history")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(other))).hasStatus(204);
		assertThat(history(owner)).containsExactly("mine");
		assertThat(get("/api/search/history", null)).hasStatus(401);
	}

	@Test
	void aRedeliveredSearchIsRecordedOnce() {
		UUID user = UUID.randomUUID();
		UUID eventId = UUID.randomUUID();
		String keyword = "once " + UUID.randomUUID();
		java.util.Map<String, Object> data = java.util.Map.of("userId", user, "keyword", keyword, "resultCount", 1,
				"time", Instant.now().toString());
		send(eventId, "search.performed", user, data);
		send(eventId, "search.performed", user, data);
		awaitSearch(searched(user, "after", Instant.now().plus(Duration.ofSeconds(1))));

		assertThat(history(user)).containsExactly("after", keyword);
		assertThat(this.mongo.getCollection("popular_buckets")
			.find(new org.bson.Document("keyword", keyword))
			.first()
			.getInteger("count")).isEqualTo(1);
	}

	private long storedEntries(UUID user) {
		return this.mongo.getCollection("search_history").countDocuments(new Document("userId", user.toString()));
	}

	private long counter(UUID user) {
		return ((Number) this.mongo.findById(user.toString(), Document.class, "search_users").get("entries"))
			.longValue();
	}

	private long popularCount(String keyword) {
		return this.mongo.getCollection("popular_buckets")
			.find(new Document("keyword", keyword))
			.map((bucket) -> ((Number) bucket.get("count")).longValue())
			.into(new ArrayList<>())
			.stream()
			.mapToLong(Long::longValue)
			.sum();
	}

	private long marks(UUID user) {
		return this.mongo.getCollection("search_history_deleted")
			.countDocuments(new Document("userId", user.toString()));
	}

	private MvcTestResult deleteHistory(String uri, UUID user) {
		return this.mvc.delete()
			.uri(java.net.URI.create(uri))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(user))
			.exchange();
	}

	private MvcTestResult settings(UUID user, Boolean enabled) {
		return this.mvc.put()
			.uri("/api/search/history/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(user))
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"enabled\":" + enabled + "}")
			.exchange();
	}

}
