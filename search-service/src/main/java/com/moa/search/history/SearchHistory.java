package com.moa.search.history;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.moa.search.SearchProperties;
import org.bson.Document;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

/**
 * Each user's recent keywords: one document per (user, keyword) under a unique index, so
 * recording is one upsert (a repeat only moves {@code searchedAt} forward: the keyword
 * goes to the top) and there is never a second entry for a keyword. The cap is kept by
 * deleting what lies beyond the newest {@code history-size} after each record.
 *
 * <p>
 * Chosen over one document per user with a capped array: MongoDB refuses {@code $pull}
 * and {@code $push} on the same array in one update, so move-to-top there needs a
 * read-modify-write with a version check (retries under contention), or pipeline updates,
 * which the local test server lacks.
 */
@Repository
public class SearchHistory {

	static final String COLLECTION = "search_history";

	private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("searchedAt"), Sort.Order.asc("keyword"));

	private final MongoTemplate mongo;

	private final int size;

	SearchHistory(MongoTemplate mongo, SearchProperties properties) {
		this.mongo = mongo;
		this.size = properties.historySize();
	}

	/**
	 * Records a search. Concurrent records by one user never leave more than the cap: the
	 * trim after the last of them sees all of them. Nor do they lose a keyword searched
	 * again meanwhile: only entries older than the cap's last one are deleted, and a
	 * repeated keyword is newer.
	 */
	public void record(UUID userId, String keyword, Instant searchedAt) {
		this.mongo.upsert(byUserAndKeyword(userId, keyword),
				new Update().max("searchedAt", searchedAt)
					.setOnInsert("userId", userId.toString())
					.setOnInsert("keyword", keyword),
				COLLECTION);
		trim(userId);
	}

	private void trim(UUID userId) {
		Query beyond = Query.query(Criteria.where("userId").is(userId.toString()))
			.with(NEWEST_FIRST)
			.skip(this.size - 1)
			.limit(1);
		Document last = this.mongo.findOne(beyond, Document.class, COLLECTION);
		if (last == null) {
			return;
		}
		Instant lastKept = last.getDate("searchedAt").toInstant();
		Criteria olderThanLastKept = new Criteria().orOperator(Criteria.where("searchedAt").lt(lastKept),
				Criteria.where("searchedAt").is(lastKept).and("keyword").gt(last.getString("keyword")));
		this.mongo.remove(Query.query(Criteria.where("userId").is(userId.toString()).andOperator(olderThanLastKept)),
				COLLECTION);
	}

	/** Newest first. */
	public List<Entry> list(UUID userId, int limit) {
		return this.mongo
			.find(Query.query(Criteria.where("userId").is(userId.toString())).with(NEWEST_FIRST).limit(limit),
					Document.class, COLLECTION)
			.stream()
			.map((document) -> new Entry(document.getString("keyword"), document.getDate("searchedAt").toInstant()))
			.toList();
	}

	public boolean delete(UUID userId, String keyword) {
		return this.mongo.remove(byUserAndKeyword(userId, keyword), COLLECTION).getDeletedCount() > 0;
	}

	public void deleteAll(UUID userId) {
		this.mongo.remove(Query.query(Criteria.where("userId").is(userId.toString())), COLLECTION);
	}

	private static Query byUserAndKeyword(UUID userId, String keyword) {
		return Query.query(Criteria.where("userId").is(userId.toString()).and("keyword").is(keyword));
	}

	/** One remembered search. */
	public record Entry(String keyword, Instant searchedAt) {
	}

}
