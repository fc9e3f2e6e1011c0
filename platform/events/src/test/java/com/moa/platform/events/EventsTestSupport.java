package com.moa.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Small helpers shared by the integration tests. */
final class EventsTestSupport {

	private EventsTestSupport() {
	}

	/** Receives from a queue until a message matches, discarding others, or null. */
	static Message receiveMatching(RabbitTemplate rabbit, String queue, Duration timeout, Predicate<Message> match) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			Message message = rabbit.receive(queue, 200);
			if (message != null && match.test(message)) {
				return message;
			}
		}
		return null;
	}

	static Predicate<Message> withMessageId(UUID id) {
		return (message) -> id.toString().equals(message.getMessageProperties().getMessageId());
	}

	static String body(Message message) {
		return new String(message.getBody(), StandardCharsets.UTF_8);
	}

	static int effects(JdbcClient jdbc, UUID id) {
		return jdbc.sql("SELECT count(*) FROM test_effects WHERE event_id = ?").param(id).query(Integer.class).single();
	}

	static boolean published(JdbcClient jdbc, UUID id) {
		return jdbc.sql("SELECT published_at IS NOT NULL FROM event_outbox WHERE id = ?")
			.param(id)
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

}
