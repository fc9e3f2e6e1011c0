package com.moa.payment.catalog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.platform.events.EventTopology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plan in {@code product.upserted} whose price is not a whole number of at least 0, or
 * whose currency or billing period is not one, is dead-lettered: the catalog keeps what
 * subscribers were charged before, never a plan made free (a missing price read as 0), a
 * price cut (1.9 read as 1) or a made-up currency or period.
 */
class CatalogEventsIntegrationTests extends PaymentIntegrationTestSupport {

	private static final String DLQ = ProductEventsListener.QUEUE + ".dlq";

	@Test
	void aPlanWithoutAWholePriceACurrencyOrAPeriodIsDeadLetteredNotStored() {
		Product product = product(3000);
		List<Map<String, Object>> bad = new ArrayList<>();
		for (Map<String, Object> change : List.<Map<String, Object>>of(Map.of("price", 1.9), Map.of("price", -5),
				Map.of("price", "3000"), Map.of("price", 1e30), Map.of("price", 0.0), Map.of("currency", "krw"),
				Map.of("currency", "KRWX"), Map.of("billingPeriod", "WEEKLY"))) {
			Map<String, Object> plan = plan(product);
			plan.putAll(change);
			bad.add(plan);
		}
		Map<String, Object> noPrice = plan(product);
		noPrice.remove("price");
		bad.add(noPrice);
		Map<String, Object> noCurrency = plan(product);
		noCurrency.remove("currency");
		bad.add(noCurrency);

		for (Map<String, Object> plan : bad) {
			UUID eventId = sendPlan(product.next(), plan);
			Message dead = this.rabbit.receive(DLQ, 10_000);
			// Another class's late poison message would not carry this id.
			while (dead != null && !new String(dead.getBody(), StandardCharsets.UTF_8).contains(eventId.toString())) {
				dead = this.rabbit.receive(DLQ, 10_000);
			}
			assertThat(dead).as("dead letter of %s", plan).isNotNull();
			CatalogPlan stored = this.catalog.find(product.id).orElseThrow().plan(product.monthlyPlan).orElseThrow();
			assertThat(stored).as("after %s", plan)
				.isEqualTo(new CatalogPlan(product.monthlyPlan, "Monthly", BillingPeriod.MONTHLY, 3000, "KRW"));
		}
	}

	private static Map<String, Object> plan(Product product) {
		return new HashMap<>(Map.of("id", product.monthlyPlan, "name", "Monthly", "billingPeriod", "MONTHLY", "price",
				3000, "currency", "KRW"));
	}

	private UUID sendPlan(Product product, Map<String, Object> plan) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("productId", product.id);
		data.put("sellerId", product.sellerId);
		data.put("title", product.title);
		data.put("status", product.status);
		data.put("version", product.version);
		data.put("plans", List.of(plan));
		UUID eventId = UUID.randomUUID();
		Map<String, Object> envelope = Map.of("id", eventId, "source", "seller-service", "type", "product.upserted",
				"time", Instant.now(), "subject", product.id, "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, "product.upserted",
				MessageBuilder.withBody(this.jsonMapper.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
		return eventId;
	}

}
