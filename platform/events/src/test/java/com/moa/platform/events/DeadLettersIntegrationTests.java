package com.moa.platform.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters are operable: a consumer's failure lands in its {@code .dlq} with the
 * reason; an operator lists it, replays it once the cause is fixed (and it takes effect,
 * once), or discards it; letters not chosen stay where they are; the depth is a metric.
 */
@SpringBootTest
class DeadLettersIntegrationTests {

	private static final String DLQ = EventTopology.deadLetterQueue(EventsTestApplication.CONSUMER_QUEUE);

	@Autowired
	DeadLetters deadLetters;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	EventJson eventJson;

	@Autowired
	JsonMapper jsonMapper;

	@Autowired
	DataSource dataSource;

	@Autowired
	MeterRegistry meters;

	@Autowired
	EventsTestApplication.TestConsumer consumer;

	@AfterEach
	void repair() {
		this.consumer.broken.set(false);
	}

	@Test
	void listsOnlyThisServicesDeadLetterQueues() {
		assertThat(this.deadLetters.queues()).containsExactly("test.inbox.dlq", "test.probe.dlq");
		assertThatThrownBy(() -> this.deadLetters.list("lookup.product-events.dlq", 10))
			.isInstanceOf(UnknownDeadLetterQueueException.class);
	}

	@Test
	void aFailedEventIsListedWithItsReasonReplayedAfterTheFixAndTakesEffectOnce() {
		this.consumer.broken.set(true);
		EventEnvelope fixable = event("test.fixable");
		EventEnvelope other = event("test.failing");
		send(fixable);
		send(other);
		DeadLetter listed = awaitListed(fixable.id());
		awaitListed(other.id());
		assertThat(listed.type()).isEqualTo("test.fixable");
		assertThat(listed.queue()).isEqualTo(EventsTestApplication.CONSUMER_QUEUE);
		assertThat(listed.reason()).contains("handler failure for " + fixable.id());
		assertThat(listed.deadLetteredAt()).isNotNull();
		assertThat(listed.body()).contains(fixable.id().toString());
		// Listing leaves the letters in place.
		assertThat(ids(this.deadLetters.list(DLQ, 1000))).contains(fixable.id().toString(), other.id().toString());

		this.consumer.broken.set(false);
		int replayed = this.deadLetters.replay(DLQ, fixable.id().toString()::equals);

		assertThat(replayed).isEqualTo(1);
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		await().atMost(Duration.ofSeconds(10)).until(() -> effects(jdbc, fixable.id()) == 1);
		List<String> remaining = ids(this.deadLetters.list(DLQ, 1000));
		assertThat(remaining).doesNotContain(fixable.id().toString()).contains(other.id().toString());

		// Replaying the same message again (an operator's double click) has no second
		// effect.
		assertThat(this.deadLetters.replay(DLQ, fixable.id().toString()::equals)).isZero();
		assertThat(effects(jdbc, fixable.id())).isEqualTo(1);
	}

	@Test
	void aLetterWhoseReplayFailedStaysListedAndCanBeReplayedAgain() {
		EventEnvelope letter = event("test.failing");
		send(letter);
		awaitListed(letter.id());

		// The broker refusing the republish (no confirm, a nack) fails the action.
		assertThatThrownBy(() -> this.deadLetters.act(DLQ, letter.id().toString()::equals, (response) -> {
			throw new IOException("the broker refused the replay");
		})).hasMessageContaining("refused");

		awaitListed(letter.id());
		assertThat(this.deadLetters.discard(DLQ, letter.id().toString()::equals)).isEqualTo(1);
	}

	/**
	 * A replayed letter that fails again comes back to the end of the dead-letter queue
	 * while the replay goes on: it is not replayed again in the same call (it was, up to
	 * the cap of 10,000, with its consumer retrying each time).
	 */
	@Test
	void aReplayTakesOnlyTheLettersThereWhenItBeganNotTheOnesThatFailAgain() {
		EventEnvelope letter = event("test.failing");
		send(letter);
		awaitListed(letter.id());

		// Dead-lettered again at once, as a consumer that still fails would.
		int replayed = this.deadLetters.act(DLQ, letter.id().toString()::equals, (response) -> {
			MessageProperties properties = new MessageProperties();
			properties.setMessageId(response.getProps().getMessageId());
			this.rabbit.send("", DLQ, new Message(response.getBody(), properties));
		});

		assertThat(replayed).isEqualTo(1);
		awaitListed(letter.id());
		assertThat(this.deadLetters.discard(DLQ, letter.id().toString()::equals)).isEqualTo(1);
	}

	@Test
	void discardRemovesOnlyTheChosenLetters() {
		EventEnvelope first = event("test.failing");
		EventEnvelope second = event("test.failing");
		send(first);
		send(second);
		awaitListed(first.id());
		awaitListed(second.id());

		assertThat(this.deadLetters.discard(DLQ, Set.of(first.id().toString())::contains)).isEqualTo(1);

		assertThat(ids(this.deadLetters.list(DLQ, 1000))).doesNotContain(first.id().toString())
			.contains(second.id().toString());
	}

	@Test
	void aPoisonMessageIsListedWithTheReasonItCouldNotBeRead() {
		String id = UUID.randomUUID().toString();
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(id);
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		this.rabbit.send(EventTopology.EXCHANGE, "test.poison",
				new Message("{ not an event".getBytes(StandardCharsets.UTF_8), properties));
		DeadLetter listed = awaitListed(UUID.fromString(id));
		assertThat(listed.reason()).isNotBlank();
		assertThat(listed.body()).isEqualTo("{ not an event");
	}

	@Test
	void deadLetterDepthIsAMetric() {
		EventEnvelope failing = event("test.failing");
		send(failing);
		awaitListed(failing.id());
		// Listing takes the letters and gives them back (a requeue the broker applies
		// asynchronously): a depth asked right after may not count them yet.
		long depth = await().atMost(Duration.ofSeconds(5)).until(() -> this.deadLetters.depth(DLQ), (d) -> d > 0);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.meters.get("moa.events.dead.letters").tag("queue", DLQ).gauge().value() == depth);
		assertThat(this.meters.get("moa.events.outbox.lag").gauge().value()).isGreaterThanOrEqualTo(0);
	}

	private DeadLetter awaitListed(UUID id) {
		return await().atMost(Duration.ofSeconds(15))
			.until(() -> this.deadLetters.list(DLQ, 1000)
				.stream()
				.filter((letter) -> id.toString().equals(letter.messageId()))
				.findFirst()
				.orElse(null), (letter) -> letter != null);
	}

	private static List<String> ids(List<DeadLetter> letters) {
		return letters.stream().map(DeadLetter::messageId).toList();
	}

	private static int effects(JdbcClient jdbc, UUID id) {
		return jdbc.sql("SELECT count(*) FROM test_effects WHERE event_id = ? AND type <> 'test.failing'")
			.param(id)
			.query(Integer.class)
			.single();
	}

	private EventEnvelope event(String type) {
		return new EventEnvelope(UUID.randomUUID(), "tests", type, Instant.now(), "subject-1", 1,
				this.jsonMapper.createObjectNode().put("n", 1));
	}

	private void send(EventEnvelope event) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setMessageId(event.id().toString());
		this.rabbit.send(EventTopology.EXCHANGE, event.type(),
				new Message(this.eventJson.write(event).getBytes(StandardCharsets.UTF_8), properties));
	}

}
