package com.moa.search.popular;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bson.Document;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
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
 */
@Repository
public class PopularKeywords {

	static final String COLLECTION = "popular_buckets";

	private final MongoTemplate mongo;

	private final Clock clock;

	PopularKeywords(MongoTemplate mongo, Clock clock) {
		this.mongo = mongo;
		this.clock = clock;
	}

	/** Counts one search of the keyword at the given time. */
	public void count(String keyword, Instant searchedAt) {
		Instant hour = searchedAt.truncatedTo(ChronoUnit.HOURS);
		// By primary key (<hour>:<keyword>): one lookup on MongoDB and on the local
		// server.
		this.mongo.upsert(Query.query(Criteria.where("_id").is(hour.getEpochSecond() + ":" + keyword)),
				new Update().inc("count", 1).setOnInsert("hour", hour).setOnInsert("keyword", keyword), COLLECTION);
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

	private List<Popular> aggregate(Criteria match, int limit) {
		Aggregation aggregation = Aggregation.newAggregation(Aggregation.match(match),
				Aggregation.group("keyword").sum("count").as("count"),
				Aggregation.sort(Sort.by(Sort.Order.desc("count"), Sort.Order.asc("_id"))), Aggregation.limit(limit));
		return this.mongo.aggregate(aggregation, COLLECTION, Document.class)
			.getMappedResults()
			.stream()
			.map((row) -> new Popular(row.getString("_id"), ((Number) row.get("count")).longValue()))
			.toList();
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
