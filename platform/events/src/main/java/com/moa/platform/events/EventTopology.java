package com.moa.platform.events;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.util.Assert;

/**
 * Names and declarations of the shared messaging topology: the durable topic exchange
 * {@code moa.events} (routing key = event type), the dead-letter exchange
 * {@code moa.events.dlx}, and per-consumer queues {@code <service>.<purpose>} with their
 * {@code <queue>.dlq}.
 */
public final class EventTopology {

	/** The exchange every event is published to; routing key = event type. */
	public static final String EXCHANGE = "moa.events";

	/**
	 * Direct exchange receiving rejected messages, routed by the name of the queue that
	 * rejected them.
	 */
	public static final String DEAD_LETTER_EXCHANGE = "moa.events.dlx";

	/** Classpath location of the system's topology (infra/rabbitmq/definitions.json). */
	public static final String DEFINITIONS = "moa/rabbitmq/definitions.json";

	/**
	 * AMQP header carrying the W3C trace context of the transaction that wrote the event;
	 * consumers continue that trace (the listener containers' observation reads it).
	 */
	public static final String TRACEPARENT_HEADER = "traceparent";

	private EventTopology() {
	}

	/** The dead-letter queue of a consumer queue. */
	public static String deadLetterQueue(String queue) {
		return queue + ".dlq";
	}

	/**
	 * Declarations for a consumer queue: the durable queue bound to {@code moa.events} on
	 * the given routing keys (topic patterns such as {@code product.*} allowed), dead
	 * lettering to {@code moa.events.dlx} with the queue name as routing key, and its
	 * {@code .dlq} bound there. Return it from a {@code @Bean} method; Boot's
	 * {@code RabbitAdmin} declares it on every (re)connect.
	 * @param queue the queue name, {@code <service>.<purpose>}
	 * @param routingKeys event types or topic patterns to receive
	 * @return the declarations
	 */
	public static Declarables consumerQueue(String queue, String... routingKeys) {
		Assert.hasText(queue, "queue must not be empty");
		Assert.isTrue(queue.indexOf('.') > 0, "queue must be named <service>.<purpose>");
		Assert.notEmpty(routingKeys, "at least one routing key is needed");
		TopicExchange exchange = exchange();
		DirectExchange deadLetters = deadLetterExchange();
		Queue main = QueueBuilder.durable(queue)
			.withArguments(Map.of("x-dead-letter-exchange", DEAD_LETTER_EXCHANGE, "x-dead-letter-routing-key", queue))
			.build();
		Queue dlq = QueueBuilder.durable(deadLetterQueue(queue)).build();
		List<Declarable> declarables = new ArrayList<>(
				List.of(exchange, deadLetters, main, dlq, BindingBuilder.bind(dlq).to(deadLetters).with(queue)));
		for (String routingKey : routingKeys) {
			Binding binding = BindingBuilder.bind(main).to(exchange).with(routingKey);
			declarables.add(binding);
		}
		return new Declarables(declarables);
	}

	/**
	 * The whole topology of the system, from a RabbitMQ definitions document
	 * ({@code infra/rabbitmq/definitions.json}, on the classpath as
	 * {@link #DEFINITIONS}): its exchanges, queues with their arguments, and bindings.
	 * Every service declares it on start, so every consumer queue exists, and collects
	 * events, before its consumer is deployed.
	 * @param json the JSON reader
	 * @param definitions the document
	 * @return the declarations
	 */
	public static Declarables fromDefinitions(JsonMapper json, InputStream definitions) {
		JsonNode root = json.readTree(definitions);
		List<Declarable> declarables = new ArrayList<>();
		for (JsonNode node : root.path("exchanges")) {
			String name = node.get("name").asString();
			Exchange exchange = new ExchangeBuilder(name, node.get("type").asString())
				.durable(node.path("durable").asBoolean(true))
				.build();
			declarables.add(exchange);
		}
		for (JsonNode node : root.path("queues")) {
			Map<String, Object> arguments = new HashMap<>();
			node.path("arguments")
				.properties()
				.forEach((entry) -> arguments.put(entry.getKey(), entry.getValue().asString()));
			declarables.add(new Queue(node.get("name").asString(), node.path("durable").asBoolean(true), false,
					node.path("auto_delete").asBoolean(false), arguments));
		}
		for (JsonNode node : root.path("bindings")) {
			declarables.add(new Binding(node.get("destination").asString(), Binding.DestinationType.QUEUE,
					node.get("source").asString(), node.get("routing_key").asString(), null));
		}
		return new Declarables(declarables);
	}

	static TopicExchange exchange() {
		return new TopicExchange(EXCHANGE, true, false);
	}

	static DirectExchange deadLetterExchange() {
		return new DirectExchange(DEAD_LETTER_EXCHANGE, true, false);
	}

}
