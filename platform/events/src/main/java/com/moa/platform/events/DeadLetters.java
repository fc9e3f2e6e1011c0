package com.moa.platform.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.retry.RepublishMessageRecoverer;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

/**
 * The dead letters of this service's consumer queues ({@code <service>.<purpose>.dlq}),
 * for operators: list them with the reason each failed, replay chosen ones (or all) into
 * the queue they came from, or discard them.
 *
 * <p>
 * AMQP has no "peek": messages are fetched unacknowledged and the ones not acted on are
 * given back ({@code basic.nack} with requeue), which RabbitMQ puts back in their place.
 * A replay is published with a publisher confirm before its dead letter is acknowledged,
 * so a failure in between leaves a duplicate (which the consumer's inbox absorbs), never
 * a loss. Replays go to the consumer's own queue through the default exchange, not to
 * {@code moa.events}, so other consumers do not see the event again.
 */
public class DeadLetters {

	/** Fetched at most per call, so one call cannot hold a huge queue unacknowledged. */
	static final int MAX_PER_CALL = 10_000;

	private static final int BODY_PREVIEW = 500;

	/** Header the consumer's recoverer sets when it dead-letters a message. */
	static final String DEAD_LETTERED_AT = "x-moa-dead-lettered-at";

	static final String REPLAYED_AT = "x-moa-replayed-at";

	private final RabbitTemplate rabbit;

	private final RabbitAdmin admin;

	private final String service;

	private final Set<String> topologyQueues;

	private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

	DeadLetters(ConnectionFactory connectionFactory, String service, Set<String> topologyQueues) {
		this.rabbit = new RabbitTemplate(connectionFactory);
		this.admin = new RabbitAdmin(connectionFactory);
		this.service = service;
		this.topologyQueues = Set.copyOf(topologyQueues);
	}

	/** This service's dead-letter queues. */
	public List<String> queues() {
		return this.topologyQueues.stream()
			.filter((queue) -> queue.startsWith(this.service + ".") && queue.endsWith(".dlq"))
			.sorted()
			.toList();
	}

	/** Messages waiting in the queue, or -1 when the broker cannot be asked. */
	public long depth(String deadLetterQueue) {
		requireOwn(deadLetterQueue);
		try {
			var info = this.admin.getQueueInfo(deadLetterQueue);
			return (info != null) ? info.getMessageCount() : -1;
		}
		catch (AmqpException ex) {
			return -1;
		}
	}

	/** The first {@code limit} dead letters, left in place. */
	public List<DeadLetter> list(String deadLetterQueue, int limit) {
		requireOwn(deadLetterQueue);
		return this.rabbit.execute((channel) -> {
			List<DeadLetter> letters = new ArrayList<>();
			long lastTag = -1;
			try {
				while (letters.size() < Math.min(limit, MAX_PER_CALL)) {
					GetResponse response = channel.basicGet(deadLetterQueue, false);
					if (response == null) {
						break;
					}
					lastTag = response.getEnvelope().getDeliveryTag();
					letters.add(describe(deadLetterQueue, response));
				}
			}
			finally {
				giveBack(channel, lastTag);
			}
			return letters;
		});
	}

	/**
	 * Sends the chosen dead letters back to the queue they came from.
	 * @param deadLetterQueue the dead-letter queue
	 * @param chosen which messages (by message id); every one when {@code all}
	 * @return how many were replayed
	 */
	public int replay(String deadLetterQueue, Predicate<String> chosen) {
		String target = requireOwn(deadLetterQueue).substring(0, deadLetterQueue.length() - ".dlq".length());
		return act(deadLetterQueue, chosen, (response) -> {
			MessageProperties properties = this.converter.toMessageProperties(response.getProps(),
					response.getEnvelope(), StandardCharsets.UTF_8.name());
			properties.getHeaders().remove(RepublishMessageRecoverer.X_EXCEPTION_MESSAGE);
			properties.getHeaders().remove(RepublishMessageRecoverer.X_EXCEPTION_STACKTRACE);
			properties.getHeaders().remove(RepublishMessageRecoverer.X_ORIGINAL_EXCHANGE);
			properties.getHeaders().remove(RepublishMessageRecoverer.X_ORIGINAL_ROUTING_KEY);
			properties.setHeader(REPLAYED_AT, Instant.now().toString());
			properties.getHeaders().remove(DEAD_LETTERED_AT);
			properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
			CorrelationData correlation = new CorrelationData(properties.getMessageId());
			this.rabbit.send("", target, new Message(response.getBody(), properties), correlation);
			try {
				if (!correlation.getFuture().get(10, TimeUnit.SECONDS).ack()) {
					throw new IllegalStateException("the broker refused the replay of " + properties.getMessageId());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				throw new IllegalStateException("no confirm for the replay of " + properties.getMessageId(), ex);
			}
		});
	}

	/** Deletes the chosen dead letters for good. */
	public int discard(String deadLetterQueue, Predicate<String> chosen) {
		requireOwn(deadLetterQueue);
		return act(deadLetterQueue, chosen, (response) -> {
		});
	}

	int act(String deadLetterQueue, Predicate<String> chosen, Action action) {
		Integer done = this.rabbit.execute((channel) -> {
			int count = 0;
			long lastTag = -1;
			try {
				int limit = MAX_PER_CALL;
				for (int seen = 0; seen < limit; seen++) {
					GetResponse response = channel.basicGet(deadLetterQueue, false);
					if (response == null) {
						break;
					}
					if (seen == 0) {
						// Only the letters there when the call began: a replayed one that
						// fails again comes back to the end of this queue meanwhile, and
						// was replayed again and again up to the cap.
						limit = (int) Math.min(MAX_PER_CALL, response.getMessageCount() + 1L);
					}
					long tag = response.getEnvelope().getDeliveryTag();
					if (chosen.test(response.getProps().getMessageId())) {
						try {
							action.apply(response);
						}
						catch (IOException | RuntimeException ex) {
							// Given back with the rest: left unacknowledged, the letter
							// hid on the cached channel from list, depth and replays.
							lastTag = tag;
							throw ex;
						}
						channel.basicAck(tag, false);
						count++;
					}
					else {
						lastTag = tag;
					}
				}
			}
			finally {
				giveBack(channel, lastTag);
			}
			return count;
		});
		return (done != null) ? done : 0;
	}

	/** Requeues every message still unacknowledged on the channel, up to the tag. */
	private static void giveBack(Channel channel, long lastTag) throws IOException {
		if (lastTag >= 0) {
			channel.basicNack(lastTag, true, true);
		}
	}

	private DeadLetter describe(String deadLetterQueue, GetResponse response) {
		com.rabbitmq.client.AMQP.BasicProperties props = response.getProps();
		Map<String, Object> headers = (props.getHeaders() != null) ? props.getHeaders() : Map.of();
		String queue = deadLetterQueue.substring(0, deadLetterQueue.length() - ".dlq".length());
		String reason = text(headers.get(RepublishMessageRecoverer.X_EXCEPTION_MESSAGE));
		String deadLetteredAt = text(headers.get(DEAD_LETTERED_AT));
		if (headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
				&& deaths.get(0) instanceof Map<?, ?> death) {
			// Dead-lettered by the broker itself (rejected when the republish failed).
			reason = (reason != null) ? reason : "rejected by the consumer (" + text(death.get("reason")) + ")";
			if (deadLetteredAt == null && death.get("time") instanceof Date time) {
				deadLetteredAt = time.toInstant().toString();
			}
		}
		String body = new String(response.getBody(), StandardCharsets.UTF_8);
		// The routing key is the event type (moa.events convention), should the sender
		// have left the AMQP type unset.
		String type = (props.getType() != null) ? props.getType()
				: text(headers.get(RepublishMessageRecoverer.X_ORIGINAL_ROUTING_KEY));
		return new DeadLetter(props.getMessageId(), type, queue, reason, deadLetteredAt, text(headers.get(REPLAYED_AT)),
				(body.length() > BODY_PREVIEW) ? body.substring(0, BODY_PREVIEW) + "…" : body);
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private String requireOwn(String deadLetterQueue) {
		if (!queues().contains(deadLetterQueue)) {
			throw new UnknownDeadLetterQueueException(deadLetterQueue, queues());
		}
		return deadLetterQueue;
	}

	@FunctionalInterface
	interface Action {

		void apply(GetResponse response) throws IOException;

	}

}
