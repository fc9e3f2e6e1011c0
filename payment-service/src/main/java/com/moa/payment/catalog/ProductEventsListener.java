package com.moa.payment.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

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
 * Keeps the catalog snapshot from {@code product.upserted} and {@code product.removed}
 * (queue {@code payment.product-events}); the inbox skips redeliveries, versions make
 * reordering harmless.
 */
@Configuration(proxyBeanMethods = false)
class ProductEventsListener {

	static final String QUEUE = "payment.product-events";

	private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

	private final EventInbox inbox;

	private final Catalog catalog;

	ProductEventsListener(EventInbox inbox, Catalog catalog) {
		this.inbox = inbox;
		this.catalog = catalog;
	}

	@Bean
	Declarables paymentProductEventsQueue() {
		return EventTopology.consumerQueue(QUEUE, "product.upserted", "product.removed");
	}

	@RabbitListener(queues = QUEUE, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void on(EventEnvelope event) {
		this.inbox.receive(QUEUE, event, this::apply);
	}

	private void apply(EventEnvelope event) {
		JsonNode data = event.data();
		UUID id = uuid(data, "productId");
		long version = data.path("version").asLong(0);
		if (event.type().equals("product.removed")) {
			this.catalog.remove(id, version);
			return;
		}
		List<CatalogPlan> plans = new ArrayList<>();
		for (JsonNode plan : data.path("plans")) {
			plans.add(new CatalogPlan(uuid(plan, "id"), plan.path("name").asString(), billingPeriod(plan), price(plan),
					currency(plan)));
		}
		this.catalog.upsert(id, uuid(data, "sellerId"), data.path("title").asString(), data.path("status").asString(),
				version, plans, termsVersion(data));
	}

	/**
	 * The product's terms version, only to bound the one a purchase says it was shown;
	 * anything but a positive int is taken as unknown rather than refusing the snapshot.
	 */
	private static Integer termsVersion(JsonNode data) {
		JsonNode value = data.path("termsVersion");
		return (value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 1) ? value.asInt() : null;
	}

	/**
	 * What subscribers are charged: a whole number, never a missing or fractional price
	 * read as 0 or cut (a malformed event goes to the dead-letter queue instead of making
	 * a plan free).
	 */
	private static long price(JsonNode plan) {
		JsonNode price = plan.path("price");
		if (!price.isIntegralNumber() || !price.canConvertToLong() || price.asLong() < 0) {
			throw new InvalidEventException("plan price must be a whole number >= 0, was " + price);
		}
		return price.asLong();
	}

	private static String currency(JsonNode plan) {
		String currency = plan.path("currency").asString("");
		if (!CURRENCY.matcher(currency).matches()) {
			throw new InvalidEventException("plan currency must be an ISO 4217 code, was '" + currency + "'");
		}
		return currency;
	}

	private static BillingPeriod billingPeriod(JsonNode plan) {
		String period = plan.path("billingPeriod").asString("");
		try {
			return BillingPeriod.valueOf(period);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventException("unknown billing period '" + period + "'");
		}
	}

	private static UUID uuid(JsonNode node, String field) {
		String value = node.path(field).asString(null);
		if (value == null) {
			throw new InvalidEventException("event data misses '" + field + "'");
		}
		return UUID.fromString(value);
	}

}
