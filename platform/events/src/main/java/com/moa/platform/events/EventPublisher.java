package com.moa.platform.events;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Publishes events through the transactional outbox: {@link #publish} writes the event in
 * the caller's database transaction, and the relay sends it to {@code moa.events} once
 * that transaction has committed. A rolled-back transaction therefore never sends
 * anything.
 */
public class EventPublisher {

	private final JdbcClient jdbc;

	private final EventJson json;

	private final String source;

	private final Tracer tracer;

	private final Propagator propagator;

	EventPublisher(JdbcClient jdbc, EventJson json, String source, Tracer tracer, Propagator propagator) {
		this.jdbc = jdbc;
		this.json = json;
		this.source = source;
		this.tracer = tracer;
		this.propagator = propagator;
	}

	/**
	 * The current span's W3C {@code traceparent}: the relay sends it later, from another
	 * thread, so it is stored with the event rather than taken at sending time.
	 */
	private String currentTraceparent() {
		Span span = this.tracer.currentSpan();
		if (span == null) {
			return null;
		}
		Map<String, String> carrier = new HashMap<>();
		this.propagator.inject(span.context(), carrier, Map::put);
		return carrier.get(EventTopology.TRACEPARENT_HEADER);
	}

	/**
	 * Stores an event (data version 1) in the outbox within the current transaction.
	 * @param type the event type, e.g. {@code product.upserted}
	 * @param subject the aggregate id
	 * @param data the payload, turned into JSON with Boot's {@code JsonMapper}
	 * @return the stored envelope
	 * @throws IllegalStateException if no database transaction is active
	 */
	public EventEnvelope publish(String type, String subject, Object data) {
		return publish(type, subject, 1, data);
	}

	/**
	 * Stores an event with the given data version in the outbox within the current
	 * transaction.
	 * @param type the event type, e.g. {@code product.upserted}
	 * @param subject the aggregate id
	 * @param dataversion the data schema version
	 * @param data the payload, turned into JSON with Boot's {@code JsonMapper}
	 * @return the stored envelope
	 * @throws IllegalStateException if no database transaction is active
	 */
	public EventEnvelope publish(String type, String subject, int dataversion, Object data) {
		Assert.hasText(type, "type must not be empty");
		// Without a transaction the event would be committed on its own, independent of
		// the change it describes: exactly what an outbox exists to prevent.
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("EventPublisher.publish(" + type
					+ ") needs an active database transaction (call it from a @Transactional method)");
		}
		EventEnvelope event = new EventEnvelope(UUID.randomUUID(), this.source, type, Instant.now(), subject,
				dataversion, this.json.toTree(data));
		this.jdbc.sql("INSERT INTO event_outbox (id, type, envelope, traceparent) VALUES (?, ?, ?, ?)")
			.params(event.id(), event.type(), this.json.write(event), currentTraceparent())
			.update();
		return event;
	}

}
