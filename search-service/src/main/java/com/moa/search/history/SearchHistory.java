package com.moa.search.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.moa.search.SearchProperties;
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
 * second entry for a keyword. A per-user counter ({@code search_users.entries}: the
 * entries counted, never fewer than there are) tells when the cap is passed; only then
 * are the entries beyond the newest {@code history-size} deleted. So a repeat costs one
 * write by primary key, a new keyword four operations by primary key, and neither a scan,
 * on MongoDB and on the local server.
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

	/**
	 * Deletion marks kept per user; older ones are folded into {@link #DELETED_UP_TO}.
	 */
	static final int MARKS_PER_USER = 100;

	/**
	 * On the user: searches made up to then that arrive later are not recorded (the
	 * per-keyword marks folded into it).
	 */
	static final String DELETED_UP_TO = "deletedUpTo";

	/** On an entry until the user's counter counted it. */
	static final String UNCOUNTED = "uncounted";

	private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("searchedAt"), Sort.Order.asc("keyword"));

	// Ties need no order: every mark up to the time found is folded.
	private static final Sort MARKS_NEWEST_FIRST = Sort.by(Sort.Order.desc("deletedAt"));

	private final MongoTemplate mongo;

	private final int size;

	private final Clock clock;

	private final Duration retention;

	SearchHistory(MongoTemplate mongo, SearchProperties properties, Clock clock) {
		this.mongo = mongo;
		this.size = properties.historySize();
		this.clock = clock;
		this.retention = properties.retention();
	}

	/**
	 * Records a search. Concurrent records by one user never leave more than the cap (the
	 * counter never falls short, and whoever sees it above the cap trims), nor lose a
	 * keyword searched again meanwhile (only entries older than the cap's last one are
	 * deleted, and a repeated keyword is newer).
	 *
	 * <p>
	 * A rerun after a failure at any step converges: an entry is inserted marked
	 * {@code uncounted}, and the mark is taken off only after the counter counted it and
	 * the deletion marks were checked. A rerun (or any search of the keyword) that finds
	 * the mark still on does both again; of two attempts counting one entry, the one that
	 * finds the mark gone takes its increment back. So the counter is never short; it is
	 * one too high only if a failure fell between the increment and taking the mark off
	 * (which costs a needless trim, never an entry).
	 */
	public void record(UUID userId, String keyword, Instant searchedAt) {
		String id = id(userId, keyword);
		Document entry = this.mongo.findAndModify(byId(id),
				new Update().max("searchedAt", searchedAt)
					.setOnInsert("userId", userId.toString())
					.setOnInsert("keyword", keyword)
					.setOnInsert(UNCOUNTED, true),
				FindAndModifyOptions.options().upsert(true).returnNew(true), Document.class, COLLECTION);
		if (!entry.containsKey(UNCOUNTED)) {
			// Counted and checked against the deletion marks already: a repeat, which
			// only moved searchedAt forward (any delete after it removes it).
			return;
		}
		Document user = entries(userId, 1);
		removeIfDeletedSince(userId, id, entry.getDate("searchedAt").toInstant());
		boolean counted = this.mongo
			.updateFirst(Query.query(Criteria.where("_id").is(id).and(UNCOUNTED).exists(true)),
					new Update().unset(UNCOUNTED), COLLECTION)
			.getMatchedCount() > 0;
		if (!counted) {
			// Removed (deleted, uncounted) or counted by another attempt meanwhile.
			entries(userId, -1);
			return;
		}
		if (((Number) user.get("entries")).longValue() > this.size) {
			trim(userId);
		}
	}

	/**
	 * Removes an entry just inserted when its search was made before the user deleted
	 * that keyword or cleared the history: searches reach this service late (queued
	 * events, a backlog after an outage), and a deleted keyword must not come back from
	 * one made before. Checked after the insert, and a delete marks before it removes, so
	 * one of the two always sees the other. The entry stays if searched anew meanwhile.
	 * The keyword's mark is read before the user's times: folding old marks writes the
	 * time first and then removes the marks, so reading in the other order could miss
	 * both. Marks are pruned after {@code moa.search.retention}, so a search that old
	 * counts as deleted (the listener drops such events already; this catches a prune
	 * between its check and the reads here).
	 */
	private void removeIfDeletedSince(UUID userId, String id, Instant searchedAt) {
		Date marked = Optional.ofNullable(this.mongo.findById(id, Document.class, DELETED))
			.map((deleted) -> deleted.getDate("deletedAt"))
			.orElse(null);
		Document user = Optional.ofNullable(this.mongo.findById(userId.toString(), Document.class, USERS))
			.orElse(new Document());
		// The clock after the marks: a mark pruned before they were read is older than
		// this.
		Date forgotten = Date.from(this.clock.instant().minus(this.retention));
		Instant deletedAt = latest(marked, user.getDate("clearedAt"), user.getDate(DELETED_UP_TO), forgotten);
		if (searchedAt.isAfter(deletedAt)) {
			return;
		}
		removeOne(Query.query(Criteria.where("_id").is(id).and("searchedAt").lte(deletedAt)));
	}

	private static Instant latest(Date... dates) {
		Date latest = null;
		for (Date date : dates) {
			if (date != null && (latest == null || date.after(latest))) {
				latest = date;
			}
		}
		return (latest != null) ? latest.toInstant() : null;
	}

	/** The user's counter document after adding {@code change} to its entries. */
	private Document entries(UUID userId, long change) {
		return this.mongo.findAndModify(Query.query(Criteria.where("_id").is(userId.toString())),
				new Update().inc("entries", change), FindAndModifyOptions.options().upsert(true).returnNew(true),
				Document.class, USERS);
	}

	/** Removes one entry, taking it off the counter if it was counted. */
	private void removeOne(Query query) {
		Document removed = this.mongo.findAndRemove(query, Document.class, COLLECTION);
		if (removed != null && !removed.containsKey(UNCOUNTED)) {
			entries(UUID.fromString(removed.getString("userId")), -1);
		}
	}

	/**
	 * Removes a user's entries, taking the counted ones off the counter. The uncounted go
	 * first, so one counted in between is removed by the second, counted, remove.
	 */
	private void removeAll(UUID userId, Criteria criteria) {
		this.mongo.remove(Query.query(Criteria.where("userId").is(userId.toString()))
			.addCriteria(criteria)
			.addCriteria(Criteria.where(UNCOUNTED).exists(true)), COLLECTION);
		removeCounted(userId, criteria);
	}

	private void removeCounted(UUID userId, Criteria criteria) {
		long removed = this.mongo
			.remove(Query.query(Criteria.where("userId").is(userId.toString()))
				.addCriteria(criteria)
				.addCriteria(Criteria.where(UNCOUNTED).exists(false)), COLLECTION)
			.getDeletedCount();
		if (removed > 0) {
			entries(userId, -removed);
		}
	}

	/**
	 * Deletes what is older than the newest {@code history-size} counted entries. Entries
	 * still uncounted neither go nor take a place: their own attempt trims once it
	 * counted them, and one a delete removes meanwhile must not push a real entry out.
	 */
	private void trim(UUID userId) {
		Query last = Query.query(Criteria.where("userId").is(userId.toString()).and(UNCOUNTED).exists(false))
			.with(NEWEST_FIRST)
			.skip(this.size - 1)
			.limit(1);
		Document lastKept = this.mongo.findOne(last, Document.class, COLLECTION);
		if (lastKept == null) {
			return;
		}
		Instant time = lastKept.getDate("searchedAt").toInstant();
		removeCounted(userId, new Criteria().orOperator(Criteria.where("searchedAt").lt(time),
				Criteria.where("searchedAt").is(time).and("keyword").gt(lastKept.getString("keyword"))));
	}

	/**
	 * Newest first; counted entries only (one being recorded shows once counted, one a
	 * delete removes before that never shows).
	 */
	public List<Entry> list(UUID userId, int limit) {
		return this.mongo
			.find(Query.query(Criteria.where("userId").is(userId.toString()).and(UNCOUNTED).exists(false))
				.with(NEWEST_FIRST)
				.limit(limit), Document.class, COLLECTION)
			.stream()
			.map((document) -> new Entry(document.getString("keyword"), document.getDate("searchedAt").toInstant()))
			.toList();
	}

	/**
	 * Deletes one keyword, also against searches for it made before now that arrive later
	 * (the mark is kept for {@code moa.search.retention}). A user keeps at most
	 * {@value #MARKS_PER_USER} marks (deleting made-up keywords in a loop must not fill
	 * the database): the older ones are folded into one "everything deleted up to" time
	 * on the user, which covers their keywords and, as a clear does, any other search
	 * made before it that arrives late.
	 * <p>
	 * "Before now" includes the entry the user sees, whatever its time: that was stamped
	 * by lookup-service and capped by the recording instance's clock, either of which may
	 * run ahead of this instance's (a delete answered 204 and the keyword stayed).
	 */
	public void delete(UUID userId, String keyword) {
		String id = id(userId, keyword);
		Document entry = this.mongo.findById(id, Document.class, COLLECTION);
		Instant upTo = latest(Date.from(this.clock.instant()), (entry != null) ? entry.getDate("searchedAt") : null);
		this.mongo.upsert(byId(id), new Update().max("deletedAt", upTo).setOnInsert("userId", userId.toString()),
				DELETED);
		removeOne(Query.query(Criteria.where("_id").is(id).and("searchedAt").lte(upTo)));
		foldOldMarks(userId);
	}

	private void foldOldMarks(UUID userId) {
		Criteria marks = Criteria.where("userId").is(userId.toString());
		Document newestFolded = this.mongo.findOne(
				Query.query(marks).with(MARKS_NEWEST_FIRST).skip(MARKS_PER_USER).limit(1), Document.class, DELETED);
		if (newestFolded == null) {
			return;
		}
		Date upTo = newestFolded.getDate("deletedAt");
		// The time first: a failure before the marks go leaves both, never neither.
		this.mongo.upsert(byId(userId.toString()), new Update().max(DELETED_UP_TO, upTo).inc("entries", 0), USERS);
		this.mongo.remove(Query.query(Criteria.where("userId").is(userId.toString()).and("deletedAt").lte(upTo)),
				DELETED);
	}

	/**
	 * Clears the history, also against searches made before now that arrive later, and
	 * every entry listed now (see {@link #delete}).
	 */
	public void deleteAll(UUID userId) {
		Document newest = this.mongo.findOne(
				Query.query(Criteria.where("userId").is(userId.toString())).with(NEWEST_FIRST).limit(1), Document.class,
				COLLECTION);
		Instant upTo = latest(Date.from(this.clock.instant()), (newest != null) ? newest.getDate("searchedAt") : null);
		this.mongo.upsert(byId(userId.toString()), new Update().max("clearedAt", upTo).inc("entries", 0), USERS);
		removeAll(userId, Criteria.where("searchedAt").lte(upTo));
	}

	/**
	 * Drops deletion marks older than {@code before}, the retention: a search that old is
	 * not recorded (a replayed dead letter may still arrive, and is dropped).
	 */
	public long pruneDeletions(Instant before) {
		return this.mongo.remove(Query.query(Criteria.where("deletedAt").lt(before)), DELETED).getDeletedCount();
	}

	private static Query byId(String id) {
		return Query.query(Criteria.where("_id").is(id));
	}

	private static String id(UUID userId, String keyword) {
		return userId + ":" + keyword;
	}

	/** One remembered search. */
	public record Entry(String keyword, Instant searchedAt) {
	}

}
