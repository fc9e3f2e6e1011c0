package com.moa.seller.product;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.TestEventQueue;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

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
	RabbitTemplate rabbit;

	@Autowired
	JsonMapper json;

	@Autowired
	JdbcClient jdbc;

	@Test
	void productsCarryTheSellersNameAndFollowARename() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit, "seller-tests.names-" + UUID.randomUUID(),
				"product.upserted");
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		send("user.registered", Map.of("userId", sellerId, "email", "s@example.com", "name", "모아 상점", "role", "SELLER",
				"locale", "ko"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM seller_names WHERE user_id = ?")
				.param(sellerId)
				.query(Integer.class)
				.single() == 1);

		String id = createProduct(seller, "Named box");

		assertThat(events.receiveEnvelope(ProductUpserted.TYPE, id).get("data").get("sellerName").asString())
			.isEqualTo("모아 상점");

		send("user.updated", Map.of("userId", sellerId, "email", "s@example.com", "name", "모아 마켓", "role", "SELLER",
				"locale", "ko", "version", 1));

		assertThat(events.receiveEnvelope(ProductUpserted.TYPE, id).get("data").get("sellerName").asString())
			.isEqualTo("모아 마켓");
		// A consumer's name is none of the catalog's business.
		UUID consumer = UUID.randomUUID();
		send("user.registered", Map.of("userId", consumer, "email", "c@example.com", "name", "Kim", "role", "CONSUMER",
				"locale", "ko"));
	}

	private void send(String type, Map<String, Object> data) {
		Map<String, Object> envelope = Map.of("id", UUID.randomUUID(), "source", "auth-service", "type", type, "time",
				Instant.now().toString(), "subject", data.get("userId"), "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, type,
				MessageBuilder.withBody(this.json.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
	}

}
