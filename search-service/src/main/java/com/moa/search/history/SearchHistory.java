package com.moa.search.history;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
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

	static final String DELETED = "search_history_deleted";

	private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("searchedAt"), Sort.Order.asc("keyword"));

	private final MongoTemplate mongo;

	private final int size;

	private final Clock clock;

	SearchHistory(MongoTemplate mongo, SearchProperties properties, Clock clock) {
		this.mongo = mongo;
		this.size = properties.historySize();
		this.clock = clock;
	}

	/**
	 * Records a search. Concurrent records by one user never leave more than the cap (the
	 * counter is exact, and whoever sees it above the cap trims), nor lose a keyword
	 * searched again meanwhile (only entries older than the cap's last one are deleted,
	 * and a repeated keyword is newer).
	 */
	public void record(UUID userId, String keyword, Instant searchedAt) {
		String id = id(userId, keyword);
		UpdateResult result = this.mongo.upsert(Query.query(Criteria.where("_id").is(id)),
				new Update().max("searchedAt", searchedAt)
					.setOnInsert("userId", userId.toString())
					.setOnInsert("keyword", keyword),
				COLLECTION);
		if (result.getUpsertedId() == null) {
			// It was there: either searched again after any delete (a newer search), or
			// the delete running now removes it.
			return;
		}
		Document user = entries(userId, 1);
		if (deletedSince(userId, user, id, searchedAt)) {
			return;
		}
		if (((Number) user.get("entries")).longValue() > this.size) {
			trim(userId);
		}
	}

	/**
	 * Whether a search just inserted was made before the user deleted that keyword or
	 * cleared the history: searches reach this service late (queued events, a backlog
	 * after an outage), and a deleted keyword must not come back from one made before.
	 * Checked after the insert, and a delete marks before it removes, so one of the two
	 * always sees the other. Then the entry goes again, unless searched anew meanwhile.
	 */
	private boolean deletedSince(UUID userId, Document user, String id, Instant searchedAt) {
		Instant deletedAt = later(user.getDate("clearedAt"),
				Optional.ofNullable(this.mongo.findById(id, Document.class, DELETED))
					.map((deleted) -> deleted.getDate("deletedAt"))
					.orElse(null));
		if (deletedAt == null || searchedAt.isAfter(deletedAt)) {
			return false;
		}
		long removed = this.mongo
			.remove(Query.query(Criteria.where("_id").is(id).and("searchedAt").lte(deletedAt)), COLLECTION)
			.getDeletedCount();
		if (removed > 0) {
			entries(userId, -removed);
		}
		return true;
	}

	private static Instant later(Date a, Date b) {
		if (a == null || b == null) {
			return (a != null) ? a.toInstant() : (b != null) ? b.toInstant() : null;
		}
		return a.after(b) ? a.toInstant() : b.toInstant();
	}

	/** The user's counter document after adding {@code change} to its entries. */
	private Document entries(UUID userId, long change) {
		return this.mongo.findAndModify(Query.query(Criteria.where("_id").is(userId.toString())),
				new Update().inc("entries", change), FindAndModifyOptions.options().upsert(true).returnNew(true),
				Document.class, USERS);
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

	/**
	 * Deletes one keyword, also against searches for it made before now that arrive later
	 * (the mark is kept for {@code moa.search.retention}).
	 */
	public void delete(UUID userId, String keyword) {
		String id = id(userId, keyword);
		Instant now = this.clock.instant();
		this.mongo.upsert(Query.query(Criteria.where("_id").is(id)),
				new Update().max("deletedAt", now).setOnInsert("userId", userId.toString()), DELETED);
		long deleted = this.mongo
			.remove(Query.query(Criteria.where("_id").is(id).and("searchedAt").lte(now)), COLLECTION)
			.getDeletedCount();
		if (deleted > 0) {
			entries(userId, -deleted);
		}
	}

	/** Clears the history, also against searches made before now that arrive later. */
	public void deleteAll(UUID userId) {
		Instant now = this.clock.instant();
		this.mongo.upsert(Query.query(Criteria.where("_id").is(userId.toString())),
				new Update().max("clearedAt", now).inc("entries", 0), USERS);
		long deleted = this.mongo
			.remove(Query.query(Criteria.where("userId").is(userId.toString()).and("searchedAt").lte(now)), COLLECTION)
			.getDeletedCount();
		if (deleted > 0) {
			entries(userId, -deleted);
		}
	}

	/**
	 * Drops deletion marks older than {@code before}: no search that old is still queued.
	 */
	public long pruneDeletions(Instant before) {
		return this.mongo.remove(Query.query(Criteria.where("deletedAt").lt(before)), DELETED).getDeletedCount();
	}

	private static String id(UUID userId, String keyword) {
		return userId + ":" + keyword;
	}

	/** One remembered search. */
	public record Entry(String keyword, Instant searchedAt) {
	}

}
