package com.moa.search.history;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.moa.search.SearchProperties;
import com.mongodb.client.result.UpdateResult;
import org.bson.Document;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

/**
 * Each user's recent keywords: one document per (user, keyword) whose {@code _id} is
 * {@code <userId>:<keyword>}, so recording is one upsert by primary key (a repeat only
 * moves {@code searchedAt} forward: the keyword goes to the top) and there is never a
 * second entry for a keyword. A per-user counter ({@code search_users.entries}, changed
 * by exactly what was inserted or deleted) tells when the cap is passed; only then are
 * the entries beyond the newest {@code history-size} deleted. So the usual search costs
 * two or three writes by primary key and no scan, on MongoDB and on the local server.
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

	static final String USERS = "search_users";

	private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("searchedAt"), Sort.Order.asc("keyword"));

	private final MongoTemplate mongo;

	private final int size;

	SearchHistory(MongoTemplate mongo, SearchProperties properties) {
		this.mongo = mongo;
		this.size = properties.historySize();
	}

	/**
	 * Records a search. Concurrent records by one user never leave more than the cap (the
	 * counter is exact, and whoever sees it above the cap trims), nor lose a keyword
	 * searched again meanwhile (only entries older than the cap's last one are deleted,
	 * and a repeated keyword is newer).
	 */
	public void record(UUID userId, String keyword, Instant searchedAt) {
		UpdateResult result = this.mongo.upsert(Query.query(Criteria.where("_id").is(id(userId, keyword))),
				new Update().max("searchedAt", searchedAt)
					.setOnInsert("userId", userId.toString())
					.setOnInsert("keyword", keyword),
				COLLECTION);
		if (result.getUpsertedId() != null && entries(userId, 1) > this.size) {
			trim(userId);
		}
	}

	private long entries(UUID userId, long change) {
		Document counter = this.mongo.findAndModify(Query.query(Criteria.where("_id").is(userId.toString())),
				new Update().inc("entries", change), FindAndModifyOptions.options().upsert(true).returnNew(true),
				Document.class, USERS);
		return ((Number) counter.get("entries")).longValue();
	}

	private void trim(UUID userId) {
		Query last = Query.query(Criteria.where("userId").is(userId.toString()))
			.with(NEWEST_FIRST)
			.skip(this.size - 1)
			.limit(1);
		Document lastKept = this.mongo.findOne(last, Document.class, COLLECTION);
		if (lastKept == null) {
			return;
		}
		Instant time = lastKept.getDate("searchedAt").toInstant();
		Criteria older = new Criteria().orOperator(Criteria.where("searchedAt").lt(time),
				Criteria.where("searchedAt").is(time).and("keyword").gt(lastKept.getString("keyword")));
		long deleted = this.mongo
			.remove(Query.query(Criteria.where("userId").is(userId.toString()).andOperator(older)), COLLECTION)
			.getDeletedCount();
		if (deleted > 0) {
			entries(userId, -deleted);
		}
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

	public void delete(UUID userId, String keyword) {
		long deleted = this.mongo.remove(Query.query(Criteria.where("_id").is(id(userId, keyword))), COLLECTION)
			.getDeletedCount();
		if (deleted > 0) {
			entries(userId, -deleted);
		}
	}

	public void deleteAll(UUID userId) {
		long deleted = this.mongo.remove(Query.query(Criteria.where("userId").is(userId.toString())), COLLECTION)
			.getDeletedCount();
		if (deleted > 0) {
			entries(userId, -deleted);
		}
	}

	private static String id(UUID userId, String keyword) {
		return userId + ":" + keyword;
	}

	/** One remembered search. */
	public record Entry(String keyword, Instant searchedAt) {
	}

}
