package com.moa.chat.ws;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.moa.chat.rooms.ChatDeliveries;
import com.moa.chat.rooms.Message;
import com.moa.chat.rooms.ReadReceipt;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes to a user's topics through the broker relay's shared connection, so the
 * user's sessions on every instance get it. Frames carry the room and seq as headers too,
 * for clients that route before parsing.
 */
@Component
class StompDeliveries implements ChatDeliveries {

	private static final Logger logger = LoggerFactory.getLogger(StompDeliveries.class);

	private final SimpMessagingTemplate template;

	private final Counter undelivered;

	/** One warning per 30 s, not one per message, while the broker is away. */
	private final RateLimiter warned = RateLimiter.of("chat-undelivered-warnings",
			RateLimiterConfig.custom()
				.limitForPeriod(1)
				.limitRefreshPeriod(Duration.ofSeconds(30))
				.timeoutDuration(Duration.ZERO)
				.build());

	StompDeliveries(SimpMessagingTemplate template, MeterRegistry meters) {
		this.template = template;
		this.undelivered = meters.counter("moa_chat_pushes_failed_total");
	}

	@Override
	public void message(UUID recipient, Message message) {
		publish(StompDestinations.messages(recipient), message,
				Map.of("room-id", message.roomId().toString(), "seq", Long.toString(message.seq())));
	}

	@Override
	public void receipt(UUID recipient, ReadReceipt receipt) {
		publish(StompDestinations.receipts(recipient), receipt, Map.of());
	}

	/** The relay refuses while the broker is away: the message is stored, so it waits. */
	private void publish(String destination, Object payload, Map<String, Object> headers) {
		try {
			this.template.convertAndSend(destination, payload, headers);
		}
		catch (MessageDeliveryException ex) {
			this.undelivered.increment();
			if (this.warned.acquirePermission()) {
				logger.warn("Not pushed (the STOMP broker is unavailable; clients catch up over REST): {}",
						ex.getMessage());
			}
		}
	}

}
