package com.moa.platform.events;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.slf4j.MDC;

import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The application every integration test here shares (one cached context): a real
 * PostgreSQL database and RabbitMQ vhost, an inbox consumer on {@code test.inbox} and a
 * listener-less {@code test.probe} queue tests read from directly.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ TestPostgres.class, TestRabbit.class })
class EventsTestApplication {

	/** Consumed through the inbox; receives {@code test.#}. */
	static final String CONSUMER_QUEUE = "test.inbox";

	/** Read directly by tests; receives {@code probe.#}. */
	static final String PROBE_QUEUE = "test.probe";

	@Bean
	Declarables consumerQueue() {
		return EventTopology.consumerQueue(CONSUMER_QUEUE, "test.#");
	}

	@Bean
	Declarables probeQueue() {
		return EventTopology.consumerQueue(PROBE_QUEUE, "probe.#");
	}

	@Bean
	TestConsumer testConsumer(EventInbox inbox, DataSource dataSource) {
		return new TestConsumer(inbox, JdbcClient.create(dataSource));
	}

	/**
	 * Records each event's effect as a row in {@code test_effects}; events of type
	 * {@code test.failing} always fail, those of type {@code test.fixable} while
	 * {@link #broken} is set (a bug that a later deployment fixes), those of type
	 * {@code test.outage} with a store outage while {@link #storeDown} is set.
	 */
	static class TestConsumer {

		private final EventInbox inbox;

		private final JdbcClient jdbc;

		private final Map<UUID, AtomicInteger> failedAttempts = new ConcurrentHashMap<>();

		final AtomicBoolean broken = new AtomicBoolean();

		/**
		 * While set, {@code test.outage} events fail as if the store were unreachable.
		 */
		final AtomicBoolean storeDown = new AtomicBoolean();

		TestConsumer(EventInbox inbox, JdbcClient jdbc) {
			this.inbox = inbox;
			this.jdbc = jdbc;
		}

		@RabbitListener(queues = CONSUMER_QUEUE, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
		void on(EventEnvelope event) {
			this.inbox.receive(CONSUMER_QUEUE, event, (received) -> {
				this.jdbc.sql("INSERT INTO test_effects (event_id, type, request_id) VALUES (?, ?, ?)")
					// request_id holds the trace id the consumer logs with.
					.params(received.id(), received.type(), MDC.get("traceId"))
					.update();
				if (received.type().equals("test.outage") && this.storeDown.get()) {
					this.failedAttempts.computeIfAbsent(received.id(), (id) -> new AtomicInteger()).incrementAndGet();
					throw new DataAccessResourceFailureException("store down for " + received.id());
				}
				if (received.type().equals("test.failing")
						|| (received.type().equals("test.fixable") && this.broken.get())) {
					this.failedAttempts.computeIfAbsent(received.id(), (id) -> new AtomicInteger()).incrementAndGet();
					throw new IllegalStateException("handler failure for " + received.id());
				}
			});
		}

		int failedAttempts(UUID id) {
			AtomicInteger attempts = this.failedAttempts.get(id);
			return (attempts != null) ? attempts.get() : 0;
		}

	}

}
