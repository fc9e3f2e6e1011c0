package com.moa.search.history;

import java.time.Clock;
import java.util.UUID;

import org.bson.Document;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

/** Whether a user's searches are recorded (default: yes). */
@Repository
public class SearchSettings {

	static final String COLLECTION = "search_settings";

	private final MongoTemplate mongo;

	private final Clock clock;

	SearchSettings(MongoTemplate mongo, Clock clock) {
		this.mongo = mongo;
		this.clock = clock;
	}

	public boolean recording(UUID userId) {
		Document settings = this.mongo.findById(userId.toString(), Document.class, COLLECTION);
		return settings == null || settings.getBoolean("enabled", true);
	}

	public void setRecording(UUID userId, boolean enabled) {
		this.mongo.upsert(Query.query(Criteria.where("_id").is(userId.toString())),
				new Update().set("enabled", enabled).set("updatedAt", this.clock.instant()), COLLECTION);
	}

}
