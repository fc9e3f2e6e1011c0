package com.moa.chat.ws;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client-facing destinations of API.md and where they live in RabbitMQ. A client
 * subscribes to {@code /user/queue/messages}; chat-service subscribes it, in its name, to
 * the topic {@code chat.<userId>.messages} of RabbitMQ's {@code amq.topic}, which the
 * STOMP plugin backs with an exclusive auto-delete queue: any instance can publish to it,
 * every session of the user receives it, and nothing stays in the broker once the
 * connection closes (STACK.md: Spring's own {@code /user/queue/...} would leave a durable
 * queue per session behind).
 */
final class StompDestinations {

	static final String MESSAGES = "/user/queue/messages";

	static final String RECEIPTS = "/user/queue/receipts";

	/** Problems with a frame the client sent (not in API.md; for this session only). */
	static final String ERRORS = "/user/queue/errors";

	private static final Map<String, String> KINDS = Map.of(MESSAGES, "messages", RECEIPTS, "receipts", ERRORS,
			"errors");

	private static final Pattern BROKER = Pattern
		.compile("/topic/chat\\.[0-9a-f-]{36}\\.(messages|receipts|errors)(\\..+)?");

	private static final Pattern SEND = Pattern.compile("/app/rooms/([^/]+)/messages");

	private StompDestinations() {
	}

	/** Where a subscription to a client-facing destination goes, or null if none. */
	static String brokerDestination(String clientDestination, UUID user) {
		String kind = KINDS.get(clientDestination);
		return (kind != null) ? topic(user, kind) : null;
	}

	/** The client-facing name of a broker destination, or null if it is none of ours. */
	static String clientDestination(String brokerDestination) {
		Matcher matcher = BROKER.matcher(brokerDestination);
		return matcher.matches() ? "/user/queue/" + matcher.group(1) : null;
	}

	static boolean isSend(String destination) {
		return destination != null && SEND.matcher(destination).matches();
	}

	/** The routing key on {@code amq.topic} of a user's messages. */
	static String messagesKey(UUID user) {
		return key(user, "messages");
	}

	static String receiptsKey(UUID user) {
		return key(user, "receipts");
	}

	private static String topic(UUID user, String kind) {
		return "/topic/" + key(user, kind);
	}

	private static String key(UUID user, String kind) {
		return "chat." + user + "." + kind;
	}

}
