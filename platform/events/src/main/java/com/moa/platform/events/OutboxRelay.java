package com.moa.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.BlockedListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends outbox rows to {@code moa.events} and marks a row published only after the broker
 * confirmed it (correlated publisher confirms). Rows that fail or stay unconfirmed keep
 * {@code published_at = NULL} and are sent again next round, so a backlog drains by
 * itself once the broker is back. Rows are claimed with {@code FOR UPDATE SKIP LOCKED},
 * so several instances of a service can run the relay side by side.
 */
class OutboxRelay implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutboxRelay.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final RabbitTemplate rabbit;

	private final EventsProperties.Relay settings;

	private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

	private ScheduledExecutorService scheduler;

	private volatile long lastPrune = System.nanoTime();

	private volatile boolean failing;

	private volatile boolean stopping;

	/** Why RabbitMQ blocks the publishing connection (a resource alarm), or null. */
	private volatile String blockedBy;

	private final Set<String> unroutableTypes = ConcurrentHashMap.newKeySet();

	OutboxRelay(JdbcClient jdbc, TransactionTemplate transaction, ConnectionFactory connectionFactory, AmqpAdmin admin,
			EventsProperties.Relay settings) {
		if (!connectionFactory.isPublisherConfirms()) {
			throw new IllegalStateException("platform/events needs publisher confirms: set "
					+ "spring.rabbitmq.publisher-confirm-type=correlated (and spring.rabbitmq.publisher-returns=true)");
		}
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.settings = settings;
		this.rabbit = new RabbitTemplate(connectionFactory);
		// Unroutable events come back as returns before the confirm, attached to the
		// correlation (see warnIfReturned); the callback only keeps the template quiet.
		this.rabbit.setMandatory(true);
		this.rabbit.setReturnsCallback((returned) -> {
		});
		// Publish on a connection of its own, so broker flow control on publishers never
		// stalls this service's consumers.
		this.rabbit.setUsePublisherConnection(true);
		// The admin declares the topology (every consumer queue) when the main connection
		// opens, which a service without listeners (auth) may never do before publishing:
		// declare whenever the publisher connection opens, before the first event goes
		// out, else events for consumers not running yet would be unroutable and lost.
		ConnectionFactory publishing = (connectionFactory.getPublisherConnectionFactory() != null)
				? connectionFactory.getPublisherConnectionFactory() : connectionFactory;
		publishing.addConnectionListener(new ConnectionListener() {

			@Override
			public void onCreate(Connection connection) {
				connection.addBlockedListener(new BrokerBlock());
				if (admin != null) {
					admin.initialize();
				}
			}

			@Override
			public void onClose(Connection connection) {
				// A new connection is told again if the alarm still stands.
				OutboxRelay.this.blockedBy = null;
			}

		});
	}

	/**
	 * During a memory or disk alarm RabbitMQ stops reading from publishing connections: a
	 * round would hang in a channel's open (for the client's channel RPC timeout,
	 * minutes) or wait out its confirms, with its rows locked and its transaction open,
	 * and then send the same rows again. The relay pauses instead; the outbox holds the
	 * events until the alarm clears.
	 */
	private final class BrokerBlock implements BlockedListener {

		@Override
		public void handleBlocked(String reason) {
			OutboxRelay.this.blockedBy = reason;
			logger.warn("RabbitMQ blocks publishing ({}): the outbox relay pauses until it unblocks", reason);
		}

		@Override
		public void handleUnblocked() {
			OutboxRelay.this.blockedBy = null;
			logger.info("RabbitMQ unblocked publishing: the outbox relay resumes");
		}

	}

	/**
	 * One round: claims up to a batch of unpublished rows in order, sends them, waits for
	 * their confirms and marks the acknowledged ones published, all in one database
	 * transaction that holds the row locks meanwhile.
	 * @return how many rows were marked published
	 */
	int relay() {
		if (this.blockedBy != null) {
			return 0;
		}
		Integer published = this.transaction.execute((status) -> relayBatch());
		return (published != null) ? published : 0;
	}

	private int relayBatch() {
		List<OutboxRow> rows = this.jdbc
			.sql("SELECT id, type, envelope, traceparent FROM event_outbox WHERE published_at IS NULL "
					+ "ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")
			.param(this.settings.batchSize())
			.query((rs, n) -> new OutboxRow(rs.getObject("id", UUID.class), rs.getString("type"),
					rs.getString("envelope"), rs.getString("traceparent")))
			.list();
		if (rows.isEmpty()) {
			return 0;
		}
		List<CorrelationData> sent = new ArrayList<>();
		String error = null;
		try {
			// One channel for the round: a channel awaiting confirms is not back in the
			// cache, so each send would open another (an RPC a blocked broker never
			// answers).
			error = this.rabbit.invoke((operations) -> {
				for (OutboxRow row : rows) {
					if (this.blockedBy != null) {
						// The alarm began during this round: what is not sent yet waits.
						return "RabbitMQ blocks publishing: " + this.blockedBy;
					}
					CorrelationData correlation = new CorrelationData(row.id().toString());
					operations.send(EventTopology.EXCHANGE, row.type(), message(row), correlation);
					sent.add(correlation);
				}
				return null;
			});
		}
		catch (RuntimeException ex) {
			// Broker unreachable or channel closed: what was sent so far may still
			// confirm.
			error = ex.getMessage();
		}
		List<UUID> acked = new ArrayList<>();
		long deadline = System.nanoTime() + this.settings.confirmTimeout().toNanos();
		for (CorrelationData correlation : sent) {
			UUID id = UUID.fromString(correlation.getId());
			try {
				long remaining = Math.max(0, deadline - System.nanoTime());
				CorrelationData.Confirm confirm = correlation.getFuture().get(remaining, TimeUnit.NANOSECONDS);
				if (confirm.ack()) {
					acked.add(id);
					warnIfReturned(correlation.getReturned());
				}
				else if (error == null) {
					error = "nacked: " + confirm.reason();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (Exception ex) {
				if (error == null) {
					error = "no confirm within " + this.settings.confirmTimeout();
				}
			}
		}
		markPublished(acked);
		recordFailure(rows, acked, error);
		return acked.size();
	}

	private Message message(OutboxRow row) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setContentEncoding(StandardCharsets.UTF_8.name());
		properties.setMessageId(row.id().toString());
		properties.setType(row.type());
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		if (row.traceparent() != null) {
			properties.setHeader(EventTopology.TRACEPARENT_HEADER, row.traceparent());
		}
		return new Message(row.envelope().getBytes(StandardCharsets.UTF_8), properties);
	}

	private void warnIfReturned(ReturnedMessage returned) {
		if (returned != null) {
			// The exchange accepted it but no queue is bound for this type: nobody
			// consumes it yet. That is the subscribers' business; retrying would not
			// change it. Said once per type, as a busy type would otherwise flood the
			// log.
			String type = returned.getRoutingKey();
			boolean first = this.unroutableTypes.add(type);
			String text = "Event {} of type {} was unroutable on {} (no queue bound); marked published anyway"
					+ (first ? " (further ones of this type are logged at DEBUG)" : "");
			Object id = returned.getMessage().getMessageProperties().getMessageId();
			if (first) {
				logger.warn(text, id, type, returned.getExchange());
			}
			else {
				logger.debug(text, id, type, returned.getExchange());
			}
		}
	}

	private void markPublished(List<UUID> ids) {
		if (!ids.isEmpty()) {
			this.jdbc.sql("UPDATE event_outbox SET published_at = now(), attempts = attempts + 1 WHERE id IN (:ids)")
				.param("ids", ids)
				.update();
		}
	}

	private void recordFailure(List<OutboxRow> rows, List<UUID> acked, String error) {
		if (error == null && acked.size() == rows.size()) {
			if (this.failing) {
				this.failing = false;
				logger.info("Outbox relay is publishing again");
			}
			return;
		}
		List<UUID> failed = rows.stream().map(OutboxRow::id).filter((id) -> !acked.contains(id)).toList();
		this.jdbc.sql("UPDATE event_outbox SET attempts = attempts + 1, last_error = :error WHERE id IN (:ids)")
			.param("error", error)
			.param("ids", failed)
			.update();
		if (!this.failing) {
			this.failing = true;
			logger.warn("Outbox relay could not publish {} event(s), retrying every {}: {}", failed.size(),
					this.settings.interval(), error);
		}
	}

	/**
	 * Deletes rows published longer ago than the retention period.
	 * @return how many rows were deleted
	 */
	int prune() {
		this.lastPrune = System.nanoTime();
		return this.jdbc.sql("DELETE FROM event_outbox WHERE published_at < now() - make_interval(secs => :seconds)")
			.param("seconds", this.settings.retention().toSeconds())
			.update();
	}

	private void runSafely() {
		try {
			// A full batch went out: there may be more waiting, unless the application
			// stops (a backlog drained on into the closing pool and broker connection,
			// whose rows then went out again from the next start).
			while (relay() == this.settings.batchSize() && !this.stopping) {
			}
			if (System.nanoTime() - this.lastPrune > PRUNE_EVERY.toNanos()) {
				prune();
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("Outbox relay round failed, retrying every {}", this.settings.interval(), ex);
			}
		}
	}

	@Override
	public synchronized void start() {
		if (this.scheduler == null && this.settings.enabled()) {
			this.stopping = false;
			this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "outbox-relay");
				thread.setDaemon(true);
				return thread;
			});
			long interval = this.settings.interval().toMillis();
			this.scheduler.scheduleWithFixedDelay(this::runSafely, interval, interval, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.stopping = true;
			this.scheduler.shutdown();
			try {
				this.scheduler.awaitTermination(this.settings.confirmTimeout().plus(Duration.ofSeconds(1)).toMillis(),
						TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.scheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

	private record OutboxRow(UUID id, String type, String envelope, String traceparent) {
	}

}
