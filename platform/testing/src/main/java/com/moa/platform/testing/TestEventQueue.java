package com.moa.platform.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A test's own queue on the {@code moa.events} exchange, to assert what a service
 * published: bind it before anything is published (unroutable events are not
 * redelivered), then wait for one event by type and subject. Events of other tests
 * sharing the context are kept for later calls, not lost.
 */
public final class TestEventQueue {

	/** The topic exchange every service publishes to (platform/events). */
	public static final String EXCHANGE = "moa.events";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RabbitTemplate rabbit;

	private final String queue;

	private final List<Message> skipped = new ArrayList<>();

	private TestEventQueue(RabbitTemplate rabbit, String queue) {
		this.rabbit = rabbit;
		this.queue = queue;
	}

	/** Declares a non-durable queue bound to {@link #EXCHANGE} with the routing keys. */
	public static TestEventQueue bind(AmqpAdmin admin, RabbitTemplate rabbit, String queue, String... routingKeys) {
		Queue declared = new Queue(queue, false, false, false);
		TopicExchange exchange = new TopicExchange(EXCHANGE, true, false);
		admin.declareExchange(exchange);
		admin.declareQueue(declared);
		for (String routingKey : routingKeys) {
			admin.declareBinding(BindingBuilder.bind(declared).to(exchange).with(routingKey));
		}
		return new TestEventQueue(rabbit, queue);
	}

	/**
	 * The message of the event with this type and subject; fails after 10 s without it.
	 */
	/**
	 * Reads a queue that already exists, such as a consumer's queue declared by the
	 * system topology before that consumer is deployed (the test acts as the late
	 * consumer).
	 */
	public static TestEventQueue existing(RabbitTemplate rabbit, String queue) {
		return new TestEventQueue(rabbit, queue);
	}

	public Message receive(String type, String subject) {
		for (Iterator<Message> pending = this.skipped.iterator(); pending.hasNext();) {
			Message message = pending.next();
			if (matches(message, type, subject)) {
				pending.remove();
				return message;
			}
		}
		Instant deadline = Instant.now().plus(TIMEOUT);
		while (Instant.now().isBefore(deadline)) {
			Message message = this.rabbit.receive(this.queue, 200);
			if (message != null) {
				if (matches(message, type, subject)) {
					return message;
				}
				this.skipped.add(message);
			}
		}
		throw new AssertionError("no " + type + " event for " + subject + " within " + TIMEOUT);
	}

	/**
	 * The envelope (id, source, type, time, subject, dataversion, data) of that event.
	 */
	public JsonNode receiveEnvelope(String type, String subject) {
		return envelope(receive(type, subject));
	}

	public static JsonNode envelope(Message message) {
		return JSON.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
	}

	private static boolean matches(Message message, String type, String subject) {
		JsonNode envelope = envelope(message);
		return type.equals(envelope.path("type").asString()) && subject.equals(envelope.path("subject").asString());
	}

}
