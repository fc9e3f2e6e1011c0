package com.moa.chat.ws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection's subscriptions: client-facing destination by subscription id, kept by
 * {@link StompGuard} from CONNECT on. Each subscription but the errors one is a queue in
 * RabbitMQ, so a connection gets {@link #MAX} at most: room for an app whose screens each
 * subscribe to the same destination, not for a client that subscribes in a loop.
 */
final class Subscriptions {

	/** The session attribute holding them. */
	static final String ATTRIBUTE = "moa.subscriptions";

	static final int MAX = 8;

	private final Map<String, String> destinations = new ConcurrentHashMap<>();

	/** The connection's subscriptions, or null before CONNECT. */
	static Subscriptions of(Map<String, Object> session) {
		return (session != null) ? (Subscriptions) session.get(ATTRIBUTE) : null;
	}

	boolean hasId(String id) {
		return this.destinations.containsKey(id);
	}

	boolean isFull() {
		return this.destinations.size() >= MAX;
	}

	/** The id of a subscription to the destination, or null if there is none. */
	String idOf(String destination) {
		for (Map.Entry<String, String> subscription : this.destinations.entrySet()) {
			if (subscription.getValue().equals(destination)) {
				return subscription.getKey();
			}
		}
		return null;
	}

	void add(String id, String destination) {
		this.destinations.put(id, destination);
	}

	/** Ends a subscription: its destination, or null if the id had none. */
	String remove(String id) {
		return this.destinations.remove(id);
	}

}
