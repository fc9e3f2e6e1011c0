package com.moa.platform.events;

/**
 * One message in a dead-letter queue, as an operator needs to judge it.
 *
 * @param messageId the event id (the AMQP message id)
 * @param type the event type
 * @param queue the consumer queue it was dead-lettered from
 * @param reason why: the consumer's exception message, or the broker's reason
 * @param deadLetteredAt when it was dead-lettered (ISO-8601), if known
 * @param replayedAt when an operator last replayed it, if ever
 * @param body the start of the body (up to 500 characters)
 */
public record DeadLetter(String messageId, String type, String queue, String reason, String deadLetteredAt,
		String replayedAt, String body) {
}
