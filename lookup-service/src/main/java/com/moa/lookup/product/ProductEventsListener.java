package com.moa.lookup.product;

import java.time.Instant;
import java.util.UUID;

import com.moa.lookup.cache.ResponseCache;
import com.moa.lookup.view.ViewCounter;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventInbox;
import com.moa.platform.events.EventTopology;
import com.moa.platform.events.EventsAutoConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies {@code product.upserted} and {@code product.removed} to the read model. The
 * inbox skips redelivered events; the version check in {@link CatalogRepository#upsert}
 * makes reordered and stale snapshots harmless. Every event, applied or redelivered,
 * invalidates the response cache once it has committed.
 */
@Configuration(proxyBeanMethods = false)
class ProductEventsListener {

	static final String QUEUE = "lookup.product-events";

	private static final Logger log = LoggerFactory.getLogger(ProductEventsListener.class);

	private final EventInbox inbox;

	private final CatalogRepository catalog;

	private final ResponseCache cache;

	private final ViewCounter views;

	ProductEventsListener(EventInbox inbox, CatalogRepository catalog, ResponseCache cache, ViewCounter views) {
		this.inbox = inbox;
		this.catalog = catalog;
		this.cache = cache;
		this.views = views;
	}

	@Bean
	Declarables productEventsQueue() {
		return EventTopology.consumerQueue(QUEUE, "product.upserted", "product.removed");
	}

	@RabbitListener(queues = QUEUE, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void on(EventEnvelope event) {
		this.inbox.receive(QUEUE, event, this::apply);
		// After the commit: a response cached from here on is built from the new state.
		// A redelivery too (one INCR): the instance that applied it may have died
		// between its commit and this, and nothing else would drop the stale entries.
		this.cache.invalidateAll();
		if (event.type().equals("product.removed")) {
			this.views.forget(uuid(event.data(), "productId"));
		}
	}

	private void apply(EventEnvelope event) {
		JsonNode data = event.data();
		switch (event.type()) {
			case "product.upserted" -> {
				ProductSnapshot snapshot = snapshot(data);
				boolean applied = this.catalog.upsert(snapshot);
				log.debug("product.upserted {} v{} {}", snapshot.id(), snapshot.version(),
						applied ? "applied" : "ignored (not newer, or removed)");
			}
			case "product.removed" -> this.catalog.remove(uuid(data, "productId"), data.path("version").asLong(0));
			default -> log.warn("Ignoring unexpected event type {} ({})", event.type(), event.id());
		}
	}

	static ProductSnapshot snapshot(JsonNode data) {
		Long minPrice = null;
		String currency = null;
		JsonNode plans = data.path("plans");
		if (plans.isArray()) {
			for (JsonNode plan : plans) {
				JsonNode price = plan.path("price");
				// Integer minor units (EVENTS.md); anything else is not a price.
				if (price.isIntegralNumber() && (minPrice == null || price.longValue() < minPrice)) {
					minPrice = price.longValue();
					currency = text(plan, "currency");
				}
			}
		}
		String status = text(data, "status");
		Instant publishedAt = instant(data, "publishedAt");
		Instant updatedAt = instant(data, "updatedAt");
		if ("PUBLISHED".equals(status) && publishedAt == null) {
			// Keyset paging needs a publication time on every visible product.
			publishedAt = (updatedAt != null) ? updatedAt : Instant.now();
		}
		JsonNode termsVersion = data.path("termsVersion");
		return new ProductSnapshot(uuid(data, "productId"), uuidOrNull(data, "sellerId"), text(data, "sellerName"),
				text(data, "title"), text(data, "description"), text(data, "category"), text(data, "imageUrl"),
				minPrice, (currency != null) ? currency : "KRW", plans.isArray() ? plans.toString() : "[]",
				text(data, "terms"), termsVersion.isNumber() ? termsVersion.intValue() : null, status,
				data.path("version").asLong(0), publishedAt, updatedAt);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		return (value.isMissingNode() || value.isNull()) ? null : value.asString();
	}

	private static Instant instant(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isNumber()) {
			// A producer writing timestamps as numbers sends epoch seconds with a
			// fraction.
			return Instant.EPOCH.plusNanos(value.decimalValue().movePointRight(9).longValue());
		}
		String text = text(node, field);
		return (text != null) ? Instant.parse(text) : null;
	}

	private static UUID uuid(JsonNode node, String field) {
		UUID id = uuidOrNull(node, field);
		if (id == null) {
			throw new IllegalArgumentException("event data misses '" + field + "'");
		}
		return id;
	}

	private static UUID uuidOrNull(JsonNode node, String field) {
		String value = text(node, field);
		return (value != null) ? UUID.fromString(value) : null;
	}

}
