package com.moa.seller.product;

import java.time.Duration;
import java.util.UUID;

import com.moa.platform.testing.TestEventQueue;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A product projection created after products exist (payment's price snapshot, search's
 * titles) gets every product from a backfill: the current snapshot, or the removal of a
 * deleted product, with the current version.
 */
class ProductBackfillIntegrationTests extends SellerIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JdbcClient jdbc;

	@Test
	void republishesEveryProductAsItsCurrentEvent() {
		String seller = newSeller();
		String published = createProduct(seller, "Backfilled box");
		assertThat(post(PRODUCTS + "/" + published + "/publish", seller)).hasStatusOk();
		String deleted = createProduct(seller, "Gone box");
		assertThat(delete(PRODUCTS + "/" + deleted, seller)).hasStatus(204);
		// The products' own events are out before the projection exists.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM event_outbox WHERE published_at IS NULL")
				.query(Integer.class)
				.single() == 0);
		TestEventQueue projection = TestEventQueue.bind(this.admin, this.rabbit,
				"seller-tests.new-projection-" + UUID.randomUUID(), "product.upserted", "product.removed");

		assertThat(this.mvc.post().uri("/internal/backfill/products").header("X-Operator-Key", "dev-operator-key"))
			.hasStatusOk();

		JsonNode snapshot = projection.receiveEnvelope(ProductUpserted.TYPE, published).get("data");
		assertThat(snapshot.get("status").asString()).isEqualTo("PUBLISHED");
		assertThat(snapshot.get("title").asString()).isEqualTo("Backfilled box");
		assertThat(snapshot.get("plans")).hasSize(2);
		JsonNode removal = projection.receiveEnvelope(ProductRemoved.TYPE, deleted).get("data");
		assertThat(removal.get("version").asLong()).isGreaterThan(1);
		assertThat(this.mvc.post().uri("/internal/backfill/products").header("Authorization", "Bearer " + seller))
			.hasStatus(401);
	}

}
