package com.moa.lookup.product;

import java.time.Duration;
import java.util.UUID;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.events.EventEnvelope;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code subscriberCount} follows payment-service's subscription events: live
 * subscriptions count, ended ones do not, and redelivered, reordered or early events
 * (before the product itself) leave the count right.
 */
class SubscriberCountIntegrationTests extends LookupIntegrationTestSupport {

	@Test
	void countsLiveSubscriptionsWhateverOrderTheirEventsArriveIn() {
		Product product = product("Subscribed " + uniqueToken());
		UUID first = UUID.randomUUID();
		UUID second = UUID.randomUUID();
		// One subscription's activation arrives before the product itself.
		awaitConsumed(subscription("subscription.activated", first, product.id, "ACTIVE", 1));
		publishAndAwait(product);
		assertThat(subscriberCount(product)).isEqualTo(1);

		awaitConsumed(subscription("subscription.activated", second, product.id, "ACTIVE", 1));
		awaitCount(product, 2);

		awaitConsumed(subscription("subscription.canceled", first, product.id, "CANCELED", 4));
		awaitCount(product, 1);
		// A late, older event of the same subscription changes nothing.
		awaitConsumed(subscription("subscription.activated", first, product.id, "ACTIVE", 2));
		// A redelivery (a new envelope of an already applied version) neither.
		awaitConsumed(subscription("subscription.activated", second, product.id, "ACTIVE", 1));
		assertThat(subscriberCount(product)).isEqualTo(1);
		assertThat(this.<Integer>read(get("/api/products/" + product.id), "$.subscriberCount")).isEqualTo(1);
	}

	private EventEnvelope subscription(String type, UUID id, UUID productId, String status, long version) {
		ObjectNode data = this.jsonMapper.createObjectNode();
		data.put("subscriptionId", id.toString());
		data.put("productId", productId.toString());
		data.put("userId", UUID.randomUUID().toString());
		data.put("sellerId", UUID.randomUUID().toString());
		data.put("status", status);
		data.put("version", version);
		EventEnvelope event = envelope(type, id, data);
		send(event);
		return event;
	}

	private void awaitCount(Product product, long count) {
		await().atMost(VISIBLE_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> subscriberCount(product) == count);
	}

	private long subscriberCount(Product product) {
		String q = product.title.substring(product.title.indexOf(' ') + 1);
		return ((Number) read(get("/api/products?q=" + q), "$.content[0].subscriberCount")).longValue();
	}

}
