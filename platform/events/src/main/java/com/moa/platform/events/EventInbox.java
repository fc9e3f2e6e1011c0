package com.moa.platform.events;

import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Idempotent consumption: runs a handler at most once per (consumer, event id) with a
 * committed effect. The inbox row and the handler's database work share one transaction,
 * so either both commit or neither does; a redelivered event whose row exists is skipped.
 *
 * <p>
 * Call it from a listener on the
 * {@link EventsAutoConfiguration#LISTENER_CONTAINER_FACTORY} container factory: that
 * container acknowledges the message only after the listener method returned, i.e. after
 * this transaction committed.
 *
 * <pre class="code">
 * &#64;RabbitListener(queues = "lookup.product-events", containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
 * void on(EventEnvelope event) {
 *     this.inbox.receive("lookup.product-events", event, this::apply);
 * }
 * </pre>
 */
public class EventInbox {

	private static final Log logger = LogFactory.getLog(EventInbox.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	EventInbox(JdbcClient jdbc, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.transaction = transaction;
	}

	/**
	 * Records the event for the consumer and runs the handler, in one transaction; does
	 * nothing if the consumer already has a committed record of this event.
	 * @param consumer the consuming queue, {@code <service>.<purpose>}
	 * @param event the received event
	 * @param handler the effect; its database work joins the transaction, and an
	 * exception rolls back both
	 * @return {@code true} if the handler ran, {@code false} for a duplicate
	 */
	public boolean receive(String consumer, EventEnvelope event, Consumer<EventEnvelope> handler) {
		Assert.hasText(consumer, "consumer must not be empty");
		Boolean handled = this.transaction.execute((status) -> {
			// A concurrent duplicate blocks on the primary key until the first commits or
			// rolls back, then sees 0 rows (skip) or 1 row (its turn).
			int inserted = this.jdbc
				.sql("INSERT INTO event_inbox (consumer, event_id, type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
				.params(consumer, event.id(), event.type())
				.update();
			if (inserted == 0) {
				return false;
			}
			handler.accept(event);
			// In the trace of the request that caused the event (its traceparent).
			if (logger.isDebugEnabled()) {
				logger.debug(consumer + " applied " + event.type() + " " + event.id());
			}
			return true;
		});
		return Boolean.TRUE.equals(handled);
	}

}
