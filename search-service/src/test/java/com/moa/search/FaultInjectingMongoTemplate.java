package com.moa.search;

import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.convert.MongoConverter;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.UpdateDefinition;

/**
 * The application's {@link MongoTemplate} on the real server, able to fail one
 * find-and-modify of a chosen document the way a lost connection does: before MongoDB
 * applied it, or after (the answer lost). For partial failures between two writes that
 * cutting the proxy cannot time. Does nothing unless armed.
 */
public class FaultInjectingMongoTemplate extends MongoTemplate {

	private final AtomicReference<Fault> next = new AtomicReference<>();

	public FaultInjectingMongoTemplate(MongoDatabaseFactory factory, MongoConverter converter) {
		super(factory, converter);
	}

	/**
	 * Fails the next find-and-modify of the document with that {@code _id} in that
	 * collection, once.
	 * @param applied whether MongoDB applies the update before the failure
	 */
	public void failNextFindAndModify(String collection, String id, boolean applied) {
		this.next.set(new Fault(collection, id, applied));
	}

	/** Whether the armed failure has happened. */
	public boolean failed() {
		return this.next.get() == null;
	}

	@Override
	public <T> T findAndModify(Query query, UpdateDefinition update, FindAndModifyOptions options, Class<T> entityClass,
			String collectionName) {
		Fault fault = this.next.get();
		if (fault == null || !fault.matches(collectionName, query) || !this.next.compareAndSet(fault, null)) {
			return super.findAndModify(query, update, options, entityClass, collectionName);
		}
		if (fault.applied()) {
			super.findAndModify(query, update, options, entityClass, collectionName);
		}
		throw new DataAccessResourceFailureException("injected: connection lost during " + collectionName + " update");
	}

	private record Fault(String collection, String id, boolean applied) {

		boolean matches(String collectionName, Query query) {
			Document filter = query.getQueryObject();
			return this.collection.equals(collectionName) && this.id.equals(filter.get("_id"));
		}

	}

}
