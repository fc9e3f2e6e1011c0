package com.moa.seller.product;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.moa.platform.testing.TestEventQueue;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code product.upserted} carries the seller's name from auth-service's {@code user.*}
 * events; a rename republishes the seller's products under the new name.
 */
class SellerNameIntegrationTests extends SellerIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	SellerNames names;

	@Autowired
	SellerProducts products;

	@Autowired
	TransactionTemplate transaction;

	@Test
	void productsCarryTheSellersNameAndFollowARename() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit, "seller-tests.names-" + UUID.randomUUID(),
				"product.upserted");
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		publishEvent("user.registered", sellerId, Map.of("userId", sellerId, "email", "s@example.com", "name", "모아 상점",
				"role", "SELLER", "locale", "ko"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM seller_names WHERE user_id = ?")
				.param(sellerId)
				.query(Integer.class)
				.single() == 1);

		String id = createProduct(seller, "Named box");

		assertThat(events.receiveEnvelope(ProductUpserted.TYPE, id).get("data").get("sellerName").asString())
			.isEqualTo("모아 상점");

		publishEvent("user.updated", sellerId, Map.of("userId", sellerId, "email", "s@example.com", "name", "모아 마켓",
				"role", "SELLER", "locale", "ko", "version", 1));

		assertThat(events.receiveEnvelope(ProductUpserted.TYPE, id).get("data").get("sellerName").asString())
			.isEqualTo("모아 마켓");
		// A consumer's name is none of the catalog's business.
		UUID consumer = UUID.randomUUID();
		publishEvent("user.registered", consumer, Map.of("userId", consumer, "email", "c@example.com", "name", "Kim",
				"role", "CONSUMER", "locale", "ko"));
	}

	/**
	 * A product created while the seller's first name is being stored waits for it:
	 * otherwise it would read no name (not committed yet) and the rename, whose snapshot
	 * of the seller's products predates the product, would never republish it.
	 */
	@Test
	void productCreatedWhileTheNameIsStoredCarriesIt() throws Exception {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit, "seller-tests.names-" + UUID.randomUUID(),
				"product.upserted");
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			// What SellerNameEvents does for user.registered, held open before its
			// commit.
			Future<MvcTestResult> creation = this.transaction.execute((status) -> {
				assertThat(this.names.store(sellerId, "동시 상점", 0)).isTrue();
				this.products.renameSeller(sellerId, "동시 상점");
				Future<MvcTestResult> pending = pool.submit(() -> create(seller, productJson("Created meanwhile")));
				await().atMost(5, TimeUnit.SECONDS).until(() -> pending.isDone() || waitingForAdvisoryLock());
				assertThat(pending).as("create waits for the name").isNotDone();
				return pending;
			});

			MvcTestResult created = creation.get(10, TimeUnit.SECONDS);
			assertThat(created).hasStatus(HttpStatus.CREATED);
			String id = read(created, "$.id");
			assertThat(this.jdbc.sql("SELECT seller_name FROM products WHERE id = ?")
				.param(UUID.fromString(id))
				.query(String.class)
				.single()).isEqualTo("동시 상점");
			assertThat(events.receiveEnvelope(ProductUpserted.TYPE, id).get("data").get("sellerName").asString())
				.isEqualTo("동시 상점");
		}
		finally {
			pool.shutdownNow();
		}
	}

	private boolean waitingForAdvisoryLock() {
		return this.jdbc.sql("""
				SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'""")
			.query(Long.class)
			.single() > 0;
	}

}
