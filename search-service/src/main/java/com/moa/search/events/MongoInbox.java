package com.moa.search.events;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

import com.moa.platform.events.EventEnvelope;
import org.bson.Document;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Idempotent consumption on MongoDB, the counterpart of platform/events' EventInbox for a
 * service without PostgreSQL: an event id is recorded (unique {@code _id}) before its
 * effect, so a redelivered event is skipped. MongoDB transactions are not available on
 * the local test server, so the record and the effect are two writes: if the effect fails
 * the record is removed again and the event is retried; only a process killed between the
 * two loses the event's effect (at most once). History updates are idempotent anyway;
 * this guards the popularity counters.
 */
@Component
public class MongoInbox {

	static final String COLLECTION = "processed_events";

	private final MongoTemplate mongo;

	private final Clock clock;

	MongoInbox(MongoTemplate mongo, Clock clock) {
		this.mongo = mongo;
		this.clock = clock;
	}

	/** Runs the handler unless this consumer already processed the event. */
	public boolean receive(String consumer, EventEnvelope event, Consumer<EventEnvelope> handler) {
		String id = consumer + ":" + event.id();
		try {
			this.mongo.insert(new Document("_id", id).append("at", this.clock.instant()), COLLECTION);
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
		try {
			handler.accept(event);
			return true;
		}
		catch (RuntimeException ex) {
			this.mongo.remove(Query.query(Criteria.where("_id").is(id)), COLLECTION);
			throw ex;
		}
	}

	/** Forgets records older than the cutoff (no redelivery arrives that late). */
	public long prune(Instant before) {
		return this.mongo.remove(Query.query(Criteria.where("at").lt(before)), COLLECTION).getDeletedCount();
	}

}
