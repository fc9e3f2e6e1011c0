package com.moa.chat.ws;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.moa.chat.rooms.ChatDeliveries;
import com.moa.chat.rooms.Message;
import com.moa.chat.rooms.ReadReceipt;
import com.moa.platform.security.WarningLimit;
import com.rabbitmq.client.BlockedListener;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes to a user's topic ({@code chat.<userId>.messages} on {@code amq.topic}, which
 * the user's STOMP subscriptions are bound to), so the user's sessions on every instance
 * get it. Published over AMQP and confirmed by the broker before the send gives its room
 * lease back: the next message of the room, perhaps from another instance, can only reach
 * the broker after this one (through the relay's STOMP connection the write was
 * asynchronous, and two instances' messages could arrive swapped). Frames carry the room
 * and seq as headers too, for clients that route before parsing.
 *
 * <p>
 * During a memory or disk alarm RabbitMQ stops reading from publishing connections: a
 * push would wait out its confirm, and the next one (its channel still awaiting that
 * confirm) would wait for a channel RPC the broker never answers, with the room's lease
 * and a request thread held meanwhile. So pushes go on a connection of their own (never
 * the user-event consumer's), and while the broker blocks it they are skipped and counted
 * as failed, as platform/events' outbox relay pauses; clients catch up from the stored
 * messages.
 */
@Component
class StompDeliveries implements ChatDeliveries {

	private static final Logger logger = LoggerFactory.getLogger(StompDeliveries.class);

	private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(2);

	private final RabbitTemplate rabbit;

	private final JsonMapper json;

	private final Counter undelivered;

	/** Why RabbitMQ blocks the publishing connection (a resource alarm), or null. */
	private volatile String blockedBy;

	/** One warning per 30 s, not one per message, while the broker is away. */
	private final RateLimiter warned = WarningLimit.oncePer(Duration.ofSeconds(30), "chat-undelivered-warnings");

	StompDeliveries(ConnectionFactory connectionFactory, JsonMapper json, MeterRegistry meters) {
		this.rabbit = new RabbitTemplate(connectionFactory);
		this.rabbit.setUsePublisherConnection(true);
		ConnectionFactory publishing = (connectionFactory.getPublisherConnectionFactory() != null)
				? connectionFactory.getPublisherConnectionFactory() : connectionFactory;
		publishing.addConnectionListener(new ConnectionListener() {

			@Override
			public void onCreate(Connection connection) {
				connection.addBlockedListener(new BrokerBlock());
			}

			@Override
			public void onClose(Connection connection) {
				// A new connection is told again if the alarm still stands.
				StompDeliveries.this.blockedBy = null;
			}

		});
		this.json = json;
		this.undelivered = meters.counter("moa_chat_pushes_failed_total");
	}

	@Override
	public void message(UUID recipient, Message message) {
		publish(StompDestinations.messagesKey(recipient), message,
				Map.of("room-id", message.roomId().toString(), "seq", Long.toString(message.seq())));
	}

	@Override
	public void receipt(UUID recipient, ReadReceipt receipt) {
		publish(StompDestinations.receiptsKey(recipient), receipt, Map.of());
	}

	/**
	 * Best effort: the message is stored, so a push that fails only waits for catch-up.
	 */
	private void publish(String routingKey, Object payload, Map<String, String> headers) {
		String blocked = this.blockedBy;
		if (blocked != null) {
			failed("RabbitMQ blocks publishing (" + blocked + ")");
			return;
		}
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		headers.forEach(properties::setHeader);
		CorrelationData confirm = new CorrelationData();
		try {
			this.rabbit.send("amq.topic", routingKey,
					new org.springframework.amqp.core.Message(this.json.writeValueAsBytes(payload), properties),
					confirm);
			if (!confirm.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).ack()) {
				failed("the broker refused it");
			}
		}
		catch (AmqpException | ExecutionException | TimeoutException ex) {
			failed(ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failed("interrupted");
		}
	}

	private final class BrokerBlock implements BlockedListener {

		@Override
		public void handleBlocked(String reason) {
			StompDeliveries.this.blockedBy = reason;
			logger.warn("RabbitMQ blocks publishing ({}): pushes are skipped until it unblocks", reason);
		}

		@Override
		public void handleUnblocked() {
			StompDeliveries.this.blockedBy = null;
			logger.info("RabbitMQ unblocked publishing: pushes resume");
		}

	}

	private void failed(String why) {
		this.undelivered.increment();
		if (this.warned.acquirePermission()) {
			logger.warn("Not pushed (clients catch up over REST): {}", why);
		}
	}

}
