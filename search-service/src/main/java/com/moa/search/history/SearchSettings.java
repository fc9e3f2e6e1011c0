package com.moa.search.history;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import org.bson.Document;

import org.springframework.dao.DuplicateKeyException;
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

	/**
	 * Turns recording on or off, each change one conditional write, so a failure or a
	 * concurrent PUT never leaves a half-changed period (on without its end, say, which
	 * would let a backlog from the off period in). A repeat changes nothing.
	 */
	public void setRecording(UUID userId, boolean enabled) {
		Instant now = this.clock.instant();
		if (enabled) {
			// No document, or one that is not off: on already (the default).
			this.mongo.updateFirst(Query.query(Criteria.where("_id").is(userId.toString()).and("enabled").is(false)),
					new Update().set("enabled", true).set("offUntil", now).set("updatedAt", now), COLLECTION);
			return;
		}
		try {
			this.mongo.upsert(Query.query(Criteria.where("_id").is(userId.toString()).and("enabled").ne(false)),
					new Update().set("enabled", false).set("offSince", now).unset("offUntil").set("updatedAt", now),
					COLLECTION);
		}
		catch (DuplicateKeyException ex) {
			// The document exists and is off already: the upsert's insert collided.
		}
	}

}
