package com.moa.search.popular;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.moa.search.SearchProperties;
import org.bson.Document;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.aggregation.AggregationOperation;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

/**
 * How often each keyword was searched, in hourly buckets (one document per hour and
 * keyword, {@code _id} {@code <epoch second of the hour>:<keyword>}, incremented in
 * place). A window is the sum over its buckets: "24h" is the current hour and the 23
 * before it, "7d" the current hour and the 167 before it. Buckets are bucketed by when
 * the search happened (the event's time), not when it was processed, so a backlog after
 * an outage lands in the right hours.
 * <p>
 * A keyword is shown publicly only once {@code moa.search.popular-min-searchers} (K)
 * distinct users searched it in the window: each bucket also keeps up to K distinct
 * searchers, so a window's searchers are the union of its buckets' (a bucket holding
 * fewer than K holds all of its own; one holding K proves enough). They are kept in a
 * field named after the key's fingerprint ({@code searchers_<fingerprint>}): digests made
 * under another key (before a rotation) are never mixed with these, where one person
 * searching before and after would count twice. Buckets without the field (older, or
 * another key's) qualify nobody (privacy first) until new searches arrive; their searches
 * still count.
 */
@Repository
public class PopularKeywords {

	static final String COLLECTION = "popular_buckets";

	private static final String HMAC = "HmacSHA256";

	private final MongoTemplate mongo;

	private final Clock clock;

	private final int minSearchers;

	private final SecretKeySpec searcherKey;

	private final String searchersField;

	PopularKeywords(MongoTemplate mongo, Clock clock, SearchProperties properties) {
		this.mongo = mongo;
		this.clock = clock;
		this.minSearchers = properties.popularMinSearchers();
		this.searcherKey = new SecretKeySpec(properties.searcherKey().getBytes(StandardCharsets.UTF_8), HMAC);
		this.searchersField = "searchers_" + digest("moa.search.searchers", 6);
	}

	/** The field this key's searcher digests are kept in. */
	String searchersField() {
		return this.searchersField;
	}

	/** Counts one search of the keyword by the user at the given time. */
	public void count(String keyword, UUID userId, Instant searchedAt) {
		Instant hour = searchedAt.truncatedTo(ChronoUnit.HOURS);
		String id = hour.getEpochSecond() + ":" + keyword;
		// By primary key (<hour>:<keyword>): one lookup on MongoDB and on the local
		// server.
		this.mongo.upsert(Query.query(Criteria.where("_id").is(id)),
				new Update().inc("count", 1).setOnInsert("hour", hour).setOnInsert("keyword", keyword), COLLECTION);
		// A second write because a full bucket must match nothing here, while the upsert
		// above must always match (or it would insert a second <hour>:<keyword>). The
		// condition and $addToSet apply atomically to the document, so concurrent
		// searches never take it past K; once full, this is a lookup that writes nothing.
		String lastSlot = this.searchersField + "." + (this.minSearchers - 1);
		this.mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and(lastSlot).exists(false)),
				new Update().addToSet(this.searchersField, digest(userId + ":" + keyword, 12)), COLLECTION);
	}

	/**
	 * Who searched, as far as telling distinct people apart needs: a keyed digest (HMAC,
	 * the first {@code bytes}) of the user and the keyword, not the user id, so a bucket
	 * is not a list of user ids, one user's digests cannot be joined across keywords, and
	 * a database reader who holds user ids cannot test them without the key. 96 bits: a
	 * collision among a keyword's few searchers is out of reach, and would only make a
	 * keyword wait for one more person.
	 */
	private String digest(String text, int bytes) {
		try {
			// A Mac is not thread-safe and the listeners run four at once: one per call
			// (cheap next to the two writes it goes with).
			Mac mac = Mac.getInstance(HMAC);
			mac.init(this.searcherKey);
			byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, bytes));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("every JVM has " + HMAC, ex);
		}
	}

	/** The most searched keywords in the window, most first (ties: alphabetical). */
	public List<Popular> top(Window window, int limit) {
		return aggregate(Criteria.where("hour").gte(window.start(this.clock.instant())), limit);
	}

	/**
	 * Keywords starting with the prefix, most searched in the last 7 days first. An
	 * anchored, escaped regular expression on the keyword, which MongoDB answers from the
	 * (keyword, hour) index.
	 */
	public List<Popular> startingWith(String prefix, int limit) {
		return aggregate(Criteria.where("keyword")
			.regex("^" + Prefixes.escape(prefix))
			.and("hour")
			.gte(Window.WEEK.start(this.clock.instant())), limit);
	}

	/**
	 * Sums each keyword's count over the matching buckets and keeps the keywords whose
	 * buckets name at least K distinct searchers, all in MongoDB: the limit is applied to
	 * qualifying keywords only, so keywords one person searched a thousand times never
	 * crowd out the ones shown. Plain stages ($unwind, $addToSet) that the local test
	 * server runs as MongoDB does ($setUnion is missing there).
	 */
	private List<Popular> aggregate(Criteria match, int limit) {
		Aggregation aggregation = Aggregation.newAggregation(Aggregation.match(match),
				stage("{$group: {_id: '$keyword', count: {$sum: '$count'},"
						+ " searchers: {$push: {$ifNull: ['$%s', []]}}}}".formatted(this.searchersField)),
				// One document per bucket's searchers, then per searcher (a keyword with
				// none left is dropped: it cannot qualify), then the distinct ones.
				stage("{$unwind: '$searchers'}"), stage("{$unwind: '$searchers'}"),
				stage("{$group: {_id: '$_id', count: {$first: '$count'}, searchers: {$addToSet: '$searchers'}}}"),
				stage("{$match: {'searchers.%d': {$exists: true}}}".formatted(this.minSearchers - 1)),
				stage("{$sort: {count: -1, _id: 1}}"), stage("{$limit: %d}".formatted(limit)),
				stage("{$project: {count: 1}}"));
		return this.mongo.aggregate(aggregation, COLLECTION, Document.class)
			.getMappedResults()
			.stream()
			.map((row) -> new Popular(row.getString("_id"), ((Number) row.get("count")).longValue()))
			.toList();
	}

	private static AggregationOperation stage(String json) {
		Document stage = Document.parse(json);
		return (context) -> stage;
	}

	/** Drops buckets older than every window. */
	public long prune(Instant before) {
		return this.mongo.remove(Query.query(Criteria.where("hour").lt(before)), COLLECTION).getDeletedCount();
	}

	/** A keyword and its searches in the window. */
	public record Popular(String keyword, long count) {
	}

	/** The windows API.md offers. */
	public enum Window {

		DAY("24h", Duration.ofHours(24)), WEEK("7d", Duration.ofDays(7));

		private final String value;

		private final Duration length;

		Window(String value, Duration length) {
			this.value = value;
			this.length = length;
		}

		/** The first bucket inside the window ending now. */
		Instant start(Instant now) {
			return now.truncatedTo(ChronoUnit.HOURS).minus(this.length).plus(Duration.ofHours(1));
		}

		public String value() {
			return this.value;
		}

		public static Window of(String value) {
			for (Window window : values()) {
				if (window.value.equals(value)) {
					return window;
				}
			}
			return null;
		}

	}

}
