package com.moa.platform.events;

import java.time.Instant;
import java.util.Map;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.retry.RepublishMessageRecovererWithConfirms;
import org.springframework.expression.common.LiteralExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Dead-letters a message a consumer gave up on: republishes it to {@code moa.events.dlx}
 * with the consumer queue's name as routing key (so it lands in {@code <queue>.dlq}),
 * carrying the exception message and stack trace as headers, and acknowledges the
 * original only once the broker confirmed the copy. If the copy cannot be confirmed, the
 * failure propagates and the container rejects the original, which the queue's own
 * dead-letter arguments route to the same {@code .dlq}: one copy either way, never none.
 */
class DeadLetterRecoverer extends RepublishMessageRecovererWithConfirms {

	DeadLetterRecoverer(RabbitTemplate template) {
		super(template, new LiteralExpression(EventTopology.DEAD_LETTER_EXCHANGE),
				new SpelExpressionParser().parseExpression("messageProperties.consumerQueue"),
				CachingConnectionFactory.ConfirmType.CORRELATED);
		setConfirmTimeout(5_000);
	}

	@Override
	protected Map<? extends String, ?> additionalHeaders(Message message, Throwable cause) {
		return Map.of(DeadLetters.DEAD_LETTERED_AT, Instant.now().toString());
	}

}
