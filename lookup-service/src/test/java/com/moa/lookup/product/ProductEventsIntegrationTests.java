package com.moa.lookup.product;

import java.time.Duration;
import java.util.UUID;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventInbox;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * product.upserted / product.removed arriving on a real RabbitMQ keep the read model at
 * the newest version: stale, duplicate and reordered events change nothing.
 */
class ProductEventsIntegrationTests extends LookupIntegrationTestSupport {

	@Autowired
	EventInbox inbox;

	@Autowired
	CatalogRepository catalog;

	@Test
	void publishedProductAppearsInListAndDetailWithinTwoSeconds() {
		String token = "visible" + UUID.randomUUID().toString().substring(0, 8);
		Product product = product("Fresh " + token).category("MEAL_KIT").price("12900");
		// The 2 s are timed on a warm event path, not on this context's first event.
		publishAndAwait(product("Warm-up " + uniqueToken()));

		publishUpserted(product);
		awaitVisible(product.id, product.title, VISIBLE_WITHIN);

		MvcTestResult detail = get("/api/products/" + product.id);
		assertThat(detail).hasStatus(HttpStatus.OK);
		assertThat(detail).bodyJson().extractingPath("$.category").isEqualTo("MEAL_KIT");
		assertThat(detail).bodyJson().extractingPath("$.sellerName").isEqualTo("모아 셀러");
		assertThat(detail).bodyJson().extractingPath("$.minPrice").isEqualTo(12900);
		assertThat(detail).bodyJson().extractingPath("$.currency").isEqualTo("KRW");
		// The test client's polls count once, however many there were.
		assertThat(detail).bodyJson().extractingPath("$.viewCount").isEqualTo(1);
		assertThat(detail).bodyJson().extractingPath("$.plans.length()").isEqualTo(2);
		assertThat(detail).bodyJson().extractingPath("$.plans[1].billingPeriod").isEqualTo("MONTHLY");
		assertThat(detail).bodyJson().extractingPath("$.terms").isEqualTo("Terms v1");
		assertThat(detail).bodyJson().extractingPath("$.termsVersion").isEqualTo(1);
		MvcTestResult list = get("/api/products?q=" + token);
		assertThat(list).hasStatus(HttpStatus.OK);
		assertThat(list).bodyJson().extractingPath("$.totalElements").isEqualTo(1);
		assertThat(list).bodyJson().extractingPath("$.content[0].id").isEqualTo(product.id.toString());
		assertThat(list).bodyJson().extractingPath("$.content[0].title").isEqualTo(product.title);
	}

	@Test
	void staleVersionIsIgnored() {
		Product product = product("Version two").version(2);
		publishUpserted(product);
		awaitVisible(product.id, "Version two");

		EventEnvelope stale = publishUpserted(product.title("Version one").version(1));
		awaitConsumed(stale);

		assertThat(get("/api/products/" + product.id)).bodyJson().extractingPath("$.title").isEqualTo("Version two");
		assertThat(storedVersion(product.id)).isEqualTo(2);
	}

	@Test
	void reorderedEventsEndAtTheHighestVersion() {
		Product product = product("Second edit").version(2);
		EventEnvelope second = publishUpserted(product);
		EventEnvelope first = publishUpserted(product.title("First edit").version(1));
		awaitConsumed(second);
		awaitConsumed(first);

		assertThat(get("/api/products/" + product.id)).bodyJson().extractingPath("$.title").isEqualTo("Second edit");
		assertThat(storedVersion(product.id)).isEqualTo(2);
	}

	@Test
	void duplicateDeliveryIsHarmless() {
		Product product = product("Delivered twice");
		EventEnvelope event = publishUpserted(product);
		send(event);
		// Applied before the next is sent: two sends may leave on different channels,
		// and the broker orders messages per channel only.
		awaitConsumed(event);
		// A different event carrying the same version (e.g. a replay) is not newer
		// either.
		EventEnvelope sameVersion = publishUpserted(product.title("Same version, other title"));
		awaitConsumed(sameVersion);

		assertThat(get("/api/products/" + product.id)).bodyJson()
			.extractingPath("$.title")
			.isEqualTo("Delivered twice");
		assertThat(this.jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
			.param(event.id())
			.query(Integer.class)
			.single()).isEqualTo(1);
	}

	@Test
	void unpublishedAtHigherVersionDisappears() {
		String token = "unpub" + UUID.randomUUID().toString().substring(0, 8);
		Product product = product("Soon gone " + token);
		publishAndAwait(product);

		EventEnvelope unpublished = publishUpserted(product.status("UNPUBLISHED").version(2));
		awaitConsumed(unpublished);

		// The cache is invalidated after the inbox commit: the cached 200 may still be
		// served for a moment, though not for its 60 s time to live.
		awaitNotFound(product.id);
		assertThat(get("/api/products?q=" + token)).bodyJson().extractingPath("$.totalElements").isEqualTo(0);
	}

	@Test
	void removedProductIsHiddenAndNotResurrectedByALaterSnapshot() {
		String token = "removed" + UUID.randomUUID().toString().substring(0, 8);
		Product product = product("Removed " + token);
		publishAndAwait(product);

		awaitConsumed(publishRemoved(product.id, 2));
		awaitNotFound(product.id);
		assertThat(get("/api/products?q=" + token)).bodyJson().extractingPath("$.totalElements").isEqualTo(0);

		awaitConsumed(publishUpserted(product.version(3)));
		assertThat(get("/api/products/" + product.id)).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void removalArrivingBeforeTheSnapshotKeepsTheProductHidden() {
		Product product = product("Removed first");
		awaitConsumed(publishRemoved(product.id, 2));
		awaitConsumed(publishUpserted(product));

		assertThat(get("/api/products/" + product.id)).hasStatus(HttpStatus.NOT_FOUND);
	}

	/**
	 * The instance that applied a removal died between its commit and its cache
	 * invalidation: the redelivery is a duplicate for the inbox, and still invalidates.
	 */
	@Test
	void aRedeliveryInvalidatesWhatAnInstanceThatDiedAfterItsCommitLeftCached() {
		Product product = product("Crashed " + uniqueToken());
		publishAndAwait(product);
		assertThat(get("/api/products/" + product.id)).hasStatusOk();
		ObjectNode data = this.jsonMapper.createObjectNode();
		data.put("productId", product.id.toString());
		data.put("version", 2);
		EventEnvelope removal = envelope("product.removed", product.id, data);
		this.inbox.receive(ProductEventsListener.QUEUE, removal, (event) -> this.catalog.remove(product.id, 2));
		assertThat(get("/api/products/" + product.id)).as("still cached").hasStatusOk();

		send(removal);

		awaitNotFound(product.id);
	}

	@Test
	void unknownProductIs404AndMalformedIdIs400() {
		assertThat(get("/api/products/" + UUID.randomUUID())).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(get("/api/products/not-a-uuid")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	/**
	 * Waits until the detail answers 404; a 404 is never cached, so a 200 left in the
	 * response cache is all that can delay it.
	 */
	private void awaitNotFound(UUID id) {
		await().atMost(CONSUMED_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(get("/api/products/" + id)).hasStatus(HttpStatus.NOT_FOUND));
	}

	private long storedVersion(UUID id) {
		return this.jdbc.sql("SELECT version FROM catalog_products WHERE id = ?").param(id).query(Long.class).single();
	}

}
