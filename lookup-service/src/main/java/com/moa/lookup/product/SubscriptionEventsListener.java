package com.moa.lookup.product;

import java.util.Set;
import java.util.UUID;

import com.moa.lookup.cache.ResponseCache;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventInbox;
import com.moa.platform.events.EventTopology;
import com.moa.platform.events.EventsAutoConfiguration;
import com.moa.platform.events.InvalidEventException;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code subscriberCount}: live (ACTIVE or PAST_DUE) subscriptions per product, from the
 * subscription state each {@code subscription.*} event carries (queue
 * {@code lookup.subscription-events}); the version makes redelivered and reordered events
 * harmless. A changed count drops the cached responses.
 */
@Configuration(proxyBeanMethods = false)
class SubscriptionEventsListener {

	static final String QUEUE = "lookup.subscription-events";

	private static final Set<String> LIVE = Set.of("ACTIVE", "PAST_DUE");

	private final EventInbox inbox;

	private final CatalogRepository catalog;

	private final ResponseCache cache;

	SubscriptionEventsListener(EventInbox inbox, CatalogRepository catalog, ResponseCache cache) {
		this.inbox = inbox;
		this.catalog = catalog;
		this.cache = cache;
	}

	@Bean
	Declarables subscriptionEventsQueue() {
		// subscription.snapshot: payment's backfill, for a copy a restore left behind.
		return EventTopology.consumerQueue(QUEUE, "subscription.activated", "subscription.canceled",
				"subscription.expired", "subscription.snapshot");
	}

	@RabbitListener(queues = QUEUE, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void on(EventEnvelope event) {
		boolean[] changed = new boolean[1];
		boolean first = this.inbox.receive(QUEUE, event, (received) -> changed[0] = apply(received.data()));
		// A redelivery's first delivery may have been applied by an instance that died
		// before its invalidation was due: asked for again (cheap, it coalesces).
		if (changed[0] || !first) {
			this.cache.invalidateSoon();
		}
	}

	private boolean apply(JsonNode data) {
		String status = data.path("status").asString(null);
		if (status == null) {
			throw new InvalidEventException("subscription event without status");
		}
		return this.catalog.applySubscription(uuid(data, "subscriptionId"), uuid(data, "productId"),
				LIVE.contains(status), data.path("version").asLong(0));
	}

	private static UUID uuid(JsonNode node, String field) {
		String value = node.path(field).asString(null);
		if (value == null) {
			throw new InvalidEventException("event data misses '" + field + "'");
		}
		return UUID.fromString(value);
	}

}
