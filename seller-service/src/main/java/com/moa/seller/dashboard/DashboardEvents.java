package com.moa.seller.dashboard;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

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
 * Feeds the dashboard's projections: {@code subscription.*} (each subscription's newest
 * state, by version), {@code payment.succeeded} (revenue, once per payment) and
 * {@code product.view-stats} (views, only ever growing). Every step is idempotent and
 * order-tolerant, so redelivery and reordering leave the dashboard right.
 */
@Configuration(proxyBeanMethods = false)
class DashboardEvents {

	static final String SUBSCRIPTIONS = "seller.subscription-events";

	static final String VIEWS = "seller.view-stats";

	private static final Set<String> ENDED = Set.of("CANCELED", "EXPIRED");

	private final EventInbox inbox;

	private final DashboardRepository dashboard;

	DashboardEvents(EventInbox inbox, DashboardRepository dashboard) {
		this.inbox = inbox;
		this.dashboard = dashboard;
	}

	@Bean
	Declarables sellerSubscriptionEventsQueue() {
		return EventTopology.consumerQueue(SUBSCRIPTIONS, "subscription.*", "payment.*");
	}

	@Bean
	Declarables sellerViewStatsQueue() {
		return EventTopology.consumerQueue(VIEWS, "product.view-stats");
	}

	@RabbitListener(queues = SUBSCRIPTIONS, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onSubscriptionOrPayment(EventEnvelope event) {
		this.inbox.receive(SUBSCRIPTIONS, event, this::applySubscriptionOrPayment);
	}

	@RabbitListener(queues = VIEWS, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onViews(EventEnvelope event) {
		this.inbox.receive(VIEWS, event, (received) -> {
			JsonNode data = received.data();
			this.dashboard.applyViews(uuid(data, "productId"), data.path("totalViews").asLong(0),
					instant(data, "asOf", received.time()));
		});
	}

	private void applySubscriptionOrPayment(EventEnvelope event) {
		JsonNode data = event.data();
		switch (event.type()) {
			case "payment.succeeded" -> this.dashboard.applyPayment(uuid(data, "paymentId"), uuid(data, "sellerId"),
					uuid(data, "productId"), data.path("amount").asLong(), data.path("currency").asString("KRW"),
					instant(data, "time", event.time()));
			case "payment.failed" -> {
				// Not revenue.
			}
			default -> {
				if (event.type().startsWith("subscription.")) {
					applySubscription(event.type(), data, event.time());
				}
			}
		}
	}

	private void applySubscription(String type, JsonNode data, Instant sent) {
		if (!data.has("status") || !data.has("version")) {
			throw new InvalidEventException(type + " without status or version");
		}
		Instant occurredAt = instant(data, "occurredAt", sent);
		Instant effectiveAt = instant(data, "effectiveAt", occurredAt);
		// A period-end cancel is announced while still ACTIVE (and may be resumed): it
		// has ended only once the status says so.
		String status = data.path("status").asString();
		this.dashboard.applySubscription(
				new DashboardRepository.SubscriptionState(uuid(data, "subscriptionId"), uuid(data, "sellerId"),
						uuid(data, "productId"), status, data.path("price").asLong(),
						data.path("billingPeriod").asString("MONTHLY"), data.path("currency").asString("KRW"),
						data.path("version").asLong()),
				type.equals("subscription.activated") ? occurredAt : null, ENDED.contains(status) ? effectiveAt : null);
	}

	private static UUID uuid(JsonNode node, String field) {
		String value = node.path(field).asString(null);
		if (value == null) {
			throw new InvalidEventException("event data misses '" + field + "'");
		}
		return UUID.fromString(value);
	}

	private static Instant instant(JsonNode node, String field, Instant fallback) {
		String value = node.path(field).asString(null);
		return (value != null) ? Instant.parse(value) : fallback;
	}

}
