package com.moa.lookup.product;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.events.EventEnvelope;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code subscriberCount} follows payment-service's subscription events: live
 * subscriptions count, ended ones do not, and redelivered, reordered or early events
 * (before the product itself) leave the count right.
 */
class SubscriberCountIntegrationTests extends LookupIntegrationTestSupport {

	@Autowired
	CatalogRepository catalog;

	@Autowired
	TransactionTemplate transaction;

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

	/**
	 * After a restore lookup's copy of a subscription can be older than payment's, with
	 * no event to come (the cancellation was consumed before the restore, and a canceled
	 * subscription never changes again): payment's snapshot (its backfill) sets it right.
	 */
	@Test
	void aSnapshotFromPaymentsBackfillCorrectsACountARestoreLeftWrong() {
		Product product = product("Restored " + uniqueToken());
		publishAndAwait(product);
		UUID restored = UUID.randomUUID();
		awaitConsumed(subscription("subscription.activated", restored, product.id, "ACTIVE", 1));
		awaitCount(product, 1);

		awaitConsumed(subscription("subscription.snapshot", restored, product.id, "CANCELED", 2));
		awaitCount(product, 0);
		// A snapshot of what lookup already has changes nothing.
		awaitConsumed(subscription("subscription.snapshot", restored, product.id, "CANCELED", 2));
		assertThat(subscriberCount(product)).isZero();
	}

	/**
	 * A subscription's +1 whose transaction is still open when the product's first
	 * snapshot is stored: the snapshot's count cannot see it, and the +1 found no product
	 * row, so the snapshot must wait for it to commit.
	 */
	@Test
	void aSubscriptionAppliedWhileTheFirstSnapshotIsStoredIsCounted() throws Exception {
		Product product = product("Raced " + uniqueToken());
		CountDownLatch applied = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Void> subscription = CompletableFuture
			.runAsync(() -> this.transaction.executeWithoutResult((status) -> {
				this.catalog.applySubscription(UUID.randomUUID(), product.id, true, 1);
				applied.countDown();
				awaitQuietly(commit);
			}));
		assertThat(applied.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> snapshot = CompletableFuture.runAsync(() -> this.transaction.executeWithoutResult(
				(status) -> this.catalog.upsert(ProductEventsListener.snapshot(product.toJson(this.jsonMapper)))));
		// Enough for the snapshot to store its count, unless it waits for the +1.
		Thread.sleep(500);
		commit.countDown();
		subscription.get(10, TimeUnit.SECONDS);
		snapshot.get(10, TimeUnit.SECONDS);

		assertThat(this.jdbc.sql("SELECT subscriber_count FROM catalog_products WHERE id = ?")
			.param(product.id)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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

	/** Within count-refresh (1 s in tests) of the event's consumption. */
	private void awaitCount(Product product, long count) {
		await().atMost(VISIBLE_WITHIN.plusSeconds(1))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> subscriberCount(product) == count);
	}

	private long subscriberCount(Product product) {
		String q = product.title.substring(product.title.indexOf(' ') + 1);
		return ((Number) read(get("/api/products?q=" + q), "$.content[0].subscriberCount")).longValue();
	}

}
