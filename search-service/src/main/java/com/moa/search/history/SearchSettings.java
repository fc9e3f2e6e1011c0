package com.moa.search.history;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import org.bson.Document;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

/**
 * Whether a user's searches are recorded (default: yes). Searches reach this service as
 * events, possibly after a backlog: a search is judged by the setting at the time it was
 * made, not when it is processed. So turning recording on again keeps the off period just
 * ended ({@code offSince}..{@code offUntil}), and a search made inside it is not recorded
 * even if it arrives later (only the latest off period is kept: a backlog spanning two of
 * them is rare enough).
 */
@Repository
public class SearchSettings {

	static final String COLLECTION = "search_settings";

	private final MongoTemplate mongo;

	private final Clock clock;

	SearchSettings(MongoTemplate mongo, Clock clock) {
		this.mongo = mongo;
		this.clock = clock;
	}

	/** The current setting. */
	public boolean recording(UUID userId) {
		Document settings = this.mongo.findById(userId.toString(), Document.class, COLLECTION);
		return settings == null || settings.getBoolean("enabled", true);
	}

	/** Whether a search the user made at that time is recorded. */
	public boolean recording(UUID userId, Instant searchedAt) {
		Document settings = this.mongo.findById(userId.toString(), Document.class, COLLECTION);
		if (settings == null) {
			return true;
		}
		if (!settings.getBoolean("enabled", true)) {
			return false; // privacy first: nothing while it is off, whenever searched
		}
		Date offSince = settings.getDate("offSince");
		Date offUntil = settings.getDate("offUntil");
		return offSince == null || offUntil == null || searchedAt.isBefore(offSince.toInstant())
				|| !searchedAt.isBefore(offUntil.toInstant());
	}

	public void setRecording(UUID userId, boolean enabled) {
		Instant now = this.clock.instant();
		Query user = Query.query(Criteria.where("_id").is(userId.toString()));
		this.mongo.upsert(user, new Update().set("enabled", enabled).set("updatedAt", now), COLLECTION);
		// Only a change of state moves the off period's bounds (a repeated PUT does not).
		if (enabled) {
			this.mongo.updateFirst(Query.query(Criteria.where("_id").is(userId.toString()).and("offUntil").is(null)),
					new Update().set("offUntil", now), COLLECTION);
		}
		else {
			this.mongo.updateFirst(
					Query.query(Criteria.where("_id")
						.is(userId.toString())
						.orOperator(Criteria.where("offSince").is(null), Criteria.where("offUntil").ne(null))),
					new Update().set("offSince", now).unset("offUntil"), COLLECTION);
		}
	}

}
