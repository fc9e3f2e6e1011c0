package com.moa.search.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import com.moa.platform.events.EventEnvelope;
import com.moa.search.SearchProperties;
import org.bson.Document;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Idempotent consumption on MongoDB, the counterpart of platform/events' EventInbox for a
 * service without PostgreSQL (MongoDB transactions are not available on the local test
 * server, so the record and the effect cannot commit together). An event's record is
 * claimed (unique {@code _id}, with a lease) before its effect and marked done after it:
 * <ul>
 * <li>done: a redelivered or republished event is skipped;</li>
 * <li>claimed by an attempt still inside its lease (a duplicate message being handled
 * concurrently, or the attempt that just failed): a transient failure, so the message is
 * retried, then requeued, until that attempt finished or its lease ran out;</li>
 * <li>claimed with the lease run out (the attempt failed or its process died, even with
 * MongoDB gone so that it could not give the claim back): taken over and the effect run
 * again.</li>
 * </ul>
 * Each attempt's claim carries a token of its own, and only that attempt gives the claim
 * back or marks the event done: an attempt that outlived its lease (a long pause) and
 * then failed gave back the claim of the attempt that had taken it over, so a third ran
 * the effect beside it. So no event is lost to a MongoDB outage in the middle of its
 * effect. History updates converge when run again (SearchHistory#record); a popularity
 * count can be counted twice only if MongoDB applied the increment but its answer, or the
 * done mark after it, was lost (a failure between two consecutive writes).
 */
@Component
public class MongoInbox {

	static final String COLLECTION = "processed_events";

	private final MongoTemplate mongo;

	private final Clock clock;

	private final Duration lease;

	MongoInbox(MongoTemplate mongo, Clock clock, SearchProperties properties) {
		this.mongo = mongo;
		this.clock = clock;
		// Longer than an effect can take: up to twelve operations (a search: settings,
		// history upsert, counter, deletion mark, the user's deletion times, counted
		// mark, trim's find, remove and counter, popular count and searcher, done mark),
		// each failing within four MongoDB timeouts (pool wait 1×, socket read 3×). Only
		// a crashed attempt's duplicate waits this long.
		this.lease = properties.mongoTimeout().multipliedBy(50);
	}

	/** Runs the handler unless this consumer already processed the event. */
	public boolean receive(String consumer, EventEnvelope event, Consumer<EventEnvelope> handler) {
		String id = consumer + ":" + event.id();
		String token = UUID.randomUUID().toString();
		if (!claim(id, token)) {
			return false;
		}
		Query held = Query.query(Criteria.where("_id").is(id).and("claimedBy").is(token));
		try {
			handler.accept(event);
		}
		catch (RuntimeException ex) {
			try {
				// Back for the retry at once; if MongoDB is gone, the lease runs out.
				this.mongo.updateFirst(held, new Update().set("claimedUntil", Instant.EPOCH), COLLECTION);
			}
			catch (RuntimeException releaseFailed) {
				ex.addSuppressed(releaseFailed);
			}
			throw ex;
		}
		// Not held any more: the attempt that took it over marks it.
		this.mongo.updateFirst(held, new Update().set("done", true).unset("claimedUntil").unset("claimedBy"),
				COLLECTION);
		return true;
	}

	/**
	 * @return true when this attempt now holds the event; false when it is done
	 */
	private boolean claim(String id, String token) {
		Instant now = this.clock.instant();
		try {
			this.mongo.insert(new Document("_id", id).append("at", now)
				.append("done", false)
				.append("claimedUntil", now.plus(this.lease))
				.append("claimedBy", token), COLLECTION);
			return true;
		}
		catch (DuplicateKeyException ex) {
			Document takenOver = this.mongo.findAndModify(
					Query.query(Criteria.where("_id").is(id).and("done").is(false).and("claimedUntil").lt(now)),
					new Update().set("claimedUntil", now.plus(this.lease)).set("claimedBy", token), Document.class,
					COLLECTION);
			if (takenOver != null) {
				return true;
			}
			Document record = this.mongo.findOne(byId(id), Document.class, COLLECTION);
			// Records of before the done mark have no such field: they were written only
			// for events whose effect followed.
			if (record == null || !Boolean.FALSE.equals(record.get("done"))) {
				return false;
			}
			throw new TransientDataAccessResourceException("event " + id + " is being handled by another attempt");
		}
	}

	private static Query byId(String id) {
		return Query.query(Criteria.where("_id").is(id));
	}

	/** Forgets records older than the cutoff (no redelivery arrives that late). */
	public long prune(Instant before) {
		return this.mongo.remove(Query.query(Criteria.where("at").lt(before)), COLLECTION).getDeletedCount();
	}

}
