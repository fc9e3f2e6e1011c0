package com.moa.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static com.moa.platform.events.EventsTestSupport.body;
import static com.moa.platform.events.EventsTestSupport.effects;
import static com.moa.platform.events.EventsTestSupport.receiveMatching;
import static com.moa.platform.events.EventsTestSupport.withMessageId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumption through the inbox and the events listener container on a real PostgreSQL
 * and RabbitMQ: duplicates have one effect, failures end in the {@code .dlq} after
 * bounded retries, poison messages do not block the queue.
 */
@SpringBootTest
class InboxIntegrationTests {

	private static final String DLQ = EventTopology.deadLetterQueue(EventsTestApplication.CONSUMER_QUEUE);

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	EventJson eventJson;

	@Autowired
	JsonMapper jsonMapper;

	@Autowired
	DataSource dataSource;

	@Autowired
	EventsTestApplication.TestConsumer consumer;

	@Test
	void duplicateDeliveriesOfOneEventHaveTheirEffectOnce() throws InterruptedException {
		EventEnvelope event = event("test.duplicate");
		EventEnvelope after = event("test.after-duplicate");

		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		send(event, traceparent);
		send(event, traceparent);
		send(event, traceparent);
		send(after, null);

		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> effects(jdbc, after.id()) == 1 && effects(jdbc, event.id()) >= 1);
		// The copies were sent before the last event; give any stray one a moment anyway.
		Thread.sleep(300);
		assertThat(effects(jdbc, event.id())).isEqualTo(1);
		assertThat(jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
			.param(event.id())
			.query(Integer.class)
			.single()).isEqualTo(1);
		assertThat(jdbc.sql("SELECT request_id FROM test_effects WHERE event_id = ?")
			.param(event.id())
			.query(String.class)
			.single()).as("the traceparent header's trace in the consumer's MDC")
			.isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
	}

	@Test
	void handlerThatKeepsFailingSendsTheEventToTheDeadLetterQueueAfterThreeAttempts() {
		EventEnvelope event = event("test.failing");

		send(event, null);

		Message dead = receiveMatching(this.rabbit, DLQ, Duration.ofSeconds(15), withMessageId(event.id()));
		assertThat(dead).as("message in " + DLQ).isNotNull();
		assertThat(this.eventJson.read(dead.getBody()).id()).isEqualTo(event.id());
		assertThat(this.consumer.failedAttempts(event.id())).isEqualTo(3);
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		assertThat(effects(jdbc, event.id())).as("rolled back with each failed attempt").isZero();
		assertThat(jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
			.param(event.id())
			.query(Integer.class)
			.single()).isZero();
	}

	@Test
	void anEventWhoseStoreIsDownWaitsInItsQueueAndIsAppliedOnceTheStoreIsBack() throws InterruptedException {
		EventEnvelope event = event("test.outage");
		this.consumer.storeDown.set(true);
		try {
			send(event, null);
			// Far past the three attempts that dead-letter any other failure.
			await().atMost(Duration.ofSeconds(20)).until(() -> this.consumer.failedAttempts(event.id()) >= 6);
		}
		finally {
			this.consumer.storeDown.set(false);
		}
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		await().atMost(Duration.ofSeconds(10)).until(() -> effects(jdbc, event.id()) == 1);
		assertThat(receiveMatching(this.rabbit, DLQ, Duration.ofMillis(500), withMessageId(event.id()))).isNull();
	}

	@Test
	void poisonMessageGoesToTheDeadLetterQueueAndTheNextEventIsStillProcessed() {
		String poison = "{ this is not an event " + UUID.randomUUID();
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		this.rabbit.send(EventTopology.EXCHANGE, "test.poison",
				new Message(poison.getBytes(StandardCharsets.UTF_8), properties));
		EventEnvelope good = event("test.after-poison");
		send(good, null);

		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		await().atMost(Duration.ofSeconds(10)).until(() -> effects(jdbc, good.id()) == 1);
		Message dead = receiveMatching(this.rabbit, DLQ, Duration.ofSeconds(10),
				(message) -> body(message).equals(poison));
		assertThat(dead).as("poison message in " + DLQ).isNotNull();
	}

	private EventEnvelope event(String type) {
		return new EventEnvelope(UUID.randomUUID(), "tests", type, Instant.now(), "subject-1", 1,
				this.jsonMapper.createObjectNode().put("n", 1));
	}

	/** Sends an envelope straight to the exchange, as a redelivering relay would. */
	private void send(EventEnvelope event, String traceparent) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setMessageId(event.id().toString());
		if (traceparent != null) {
			properties.setHeader(EventTopology.TRACEPARENT_HEADER, traceparent);
		}
		this.rabbit.send(EventTopology.EXCHANGE, event.type(),
				new Message(this.eventJson.write(event).getBytes(StandardCharsets.UTF_8), properties));
	}

}
