package com.moa.seller.product;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.TestEventQueue;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * seller-service's side of the user event contract in docs/events.md: the largest
 * {@code name} auth-service accepts, in the characters that are hardest to store
 * (supplementary characters, Hangul, text NFC normalization would change), is kept
 * unchanged from {@code user.registered} and {@code user.updated}, and every product of
 * the seller is published under exactly that name ({@code product.upserted}
 * {@code sellerName}).
 */
class SellerNameEventContractIntegrationTests extends SellerIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Autowired
	JdbcClient jdbc;

	@Test
	void storesTheLargestNamesUnchangedAndPublishesProductsUnderThem() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit,
				"seller-tests.name-contract-" + UUID.randomUUID(), ProductUpserted.TYPE);
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String earlier = createProduct(seller, "Created before the name");
		assertThat(events.receiveEnvelope(ProductUpserted.TYPE, earlier).get("data").path("sellerName").isNull())
			.isTrue();

		String registered = EventContract.limit("user.registered", "name").worstCaseText("R");
		send("user.registered", sellerId, registered, null);

		// The product created before the name arrived is republished under it.
		assertThat(sellerName(events, earlier)).isEqualTo(registered);
		assertThat(storedName(sellerId)).isEqualTo(registered);
		assertThat(productSellerName(earlier)).isEqualTo(registered);
		String later = createProduct(seller, "Created after the name");
		assertThat(sellerName(events, later)).isEqualTo(registered);

		String renamed = EventContract.limit("user.updated", "name").worstCaseText("U");
		send("user.updated", sellerId, renamed, Long.MAX_VALUE);

		assertThat(sellerName(events, earlier)).isEqualTo(renamed);
		assertThat(sellerName(events, later)).isEqualTo(renamed);
		assertThat(storedName(sellerId)).isEqualTo(renamed);
		assertThat(productSellerName(earlier)).isEqualTo(renamed);
		assertThat(productSellerName(later)).isEqualTo(renamed);
	}

	private static String sellerName(TestEventQueue events, String productId) {
		return events.receiveEnvelope(ProductUpserted.TYPE, productId).get("data").get("sellerName").asString();
	}

	private String storedName(UUID sellerId) {
		return this.jdbc.sql("SELECT name FROM seller_names WHERE user_id = ?")
			.param(sellerId)
			.query(String.class)
			.single();
	}

	private String productSellerName(String productId) {
		return this.jdbc.sql("SELECT seller_name FROM products WHERE id = ?")
			.param(UUID.fromString(productId))
			.query(String.class)
			.single();
	}

	/**
	 * {@code user.*} as auth-service publishes it, with the largest email too, and waits
	 * until it was consumed (a consumer that refused it dead-letters it; the test then
	 * fails on the name).
	 */
	private void send(String type, UUID userId, String name, Long version) {
		String email = "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
		assertThat((long) email.length()).isEqualTo(EventContract.limit(type, "email").max());
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("userId", userId);
		data.put("email", email);
		data.put("name", name);
		data.put("role", "SELLER");
		data.put("locale", "ko");
		if (version != null) {
			data.put("version", version);
		}
		UUID eventId = publishEvent(type, userId, data);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
				.param(eventId)
				.query(Long.class)
				.single() == 1);
	}

}
