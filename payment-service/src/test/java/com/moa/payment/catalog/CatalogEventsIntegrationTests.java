package com.moa.payment.catalog;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.moa.payment.PaymentIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plan in {@code product.upserted} whose price is not a whole number of at least 0, or
 * whose currency or billing period is not one, is dead-lettered: the catalog keeps what
 * subscribers were charged before, never a plan made free (a missing price read as 0) or
 * a price cut (1.9 read as 1).
 */
class CatalogEventsIntegrationTests extends PaymentIntegrationTestSupport {

	private static final String DLQ = ProductEventsListener.QUEUE + ".dlq";

	@Test
	void aPlanWithoutAWholePriceACurrencyOrAPeriodIsDeadLetteredNotStored() {
		Product product = product(3000);
		while (this.rabbit.receive(DLQ) != null) {
			// earlier classes' leftovers
		}
		List<Map<String, Object>> bad = List.of(Map.of("price", 1.9), Map.of("price", -5), Map.of("price", "3000"),
				Map.of("price", 1e30), Map.of("currency", "krw"), Map.of("billingPeriod", "WEEKLY"));
		for (Map<String, Object> change : bad) {
			Map<String, Object> plan = new HashMap<>(Map.of("id", product.monthlyPlan, "name", "Monthly",
					"billingPeriod", "MONTHLY", "price", 3000, "currency", "KRW"));
			plan.putAll(change);
			sendPlan(product.next(), plan);
		}
		Map<String, Object> noPrice = new HashMap<>(
				Map.of("id", product.monthlyPlan, "name", "Monthly", "billingPeriod", "MONTHLY", "currency", "KRW"));
		sendPlan(product.next(), noPrice);
		Map<String, Object> noCurrency = new HashMap<>(
				Map.of("id", product.monthlyPlan, "name", "Monthly", "billingPeriod", "MONTHLY", "price", 3000));
		sendPlan(product.next(), noCurrency);

		for (int i = 0; i < bad.size() + 2; i++) {
			Message dead = this.rabbit.receive(DLQ, 10_000);
			assertThat(dead).as("dead letter %s", i).isNotNull();
		}
		assertThat(this.catalog.find(product.id).orElseThrow().plan(product.monthlyPlan).orElseThrow().price())
			.isEqualTo(3000);
	}

	private void sendPlan(Product product, Map<String, Object> plan) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("productId", product.id);
		data.put("sellerId", product.sellerId);
		data.put("title", product.title);
		data.put("status", product.status);
		data.put("version", product.version);
		data.put("plans", List.of(plan));
		send("product.upserted", product.id, data);
	}

}
