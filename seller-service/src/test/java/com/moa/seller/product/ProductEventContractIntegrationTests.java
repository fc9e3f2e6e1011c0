package com.moa.seller.product;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import com.moa.platform.testing.TestEventQueue;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * seller-service's side of the product event contract in docs/events.md: its validation
 * accepts exactly the documented limits (the largest value of every field is accepted and
 * published unchanged, one more is a 400), so every consumer that stores the documented
 * largest values stores whatever sellers can enter.
 */
class ProductEventContractIntegrationTests extends SellerIntegrationTestSupport {

	private static final String EVENT = "product.upserted";

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	private TestEventQueue events;

	@BeforeEach
	void bindTestQueue() {
		this.events = TestEventQueue.bind(this.admin, this.rabbit, "seller-tests.contract-events", "product.#");
	}

	@Test
	void acceptsAndPublishesTheLargestDocumentedValuesUnchanged() {
		String seller = newSeller();
		Map<String, Object> largest = largestProduct();
		String id = read(create(seller, json.writeValueAsString(largest)), "$.id");
		JsonNode data = this.events.receiveEnvelope(ProductUpserted.TYPE, id).get("data");
		assertThat(data.get("title").stringValue()).isEqualTo(largest.get("title"));
		assertThat(data.get("description").stringValue()).isEqualTo(largest.get("description"));
		assertThat(data.get("imageUrl").stringValue()).isEqualTo(largest.get("imageUrl"));
		assertThat(data.get("terms").stringValue()).isEqualTo(largest.get("terms"));
		assertThat(data.get("plans")).hasSize((int) limit("plans").max());
		for (JsonNode plan : data.get("plans")) {
			assertThat(plan.get("name").stringValue()).isEqualTo(limit("plans[].name").largestText());
			assertThat(plan.get("price").longValue()).isEqualTo(limit("plans[].price").max());
		}
	}

	@Test
	void refusesOneMoreThanEachDocumentedLimit() {
		String seller = newSeller();
		assertRefused(seller, "title", (product) -> product.put("title", limit("title").tooLongText()));
		assertRefused(seller, "description",
				(product) -> product.put("description", limit("description").tooLongText()));
		assertRefused(seller, "imageUrl", (product) -> product.put("imageUrl", limit("imageUrl").tooLongText()));
		assertRefused(seller, "terms", (product) -> product.put("terms", limit("terms").tooLongText()));
		assertRefused(seller, "plans", (product) -> {
			List<Object> plans = new ArrayList<>((List<?>) product.get("plans"));
			plans.add(plan(limit("plans[].name").largestText(), 1));
			product.put("plans", plans);
		});
		assertRefused(seller, "plans[0].name",
				(product) -> product.put("plans", List.of(plan(limit("plans[].name").tooLongText(), 1))));
		assertRefused(seller, "plans[0].price",
				(product) -> product.put("plans", List.of(plan("Basic", limit("plans[].price").max() + 1))));
		assertRefused(seller, "plans[0].price", (product) -> product.put("plans", List.of(plan("Basic", -1))));
		assertRefused(seller, "title", (product) -> product.put("title", ""));
		assertRefused(seller, "plans", (product) -> product.put("plans", List.of()));
	}

	private void assertRefused(String seller, String field, Consumer<Map<String, Object>> change) {
		Map<String, Object> product = largestProduct();
		change.accept(product);
		var result = create(seller, json.writeValueAsString(product));
		assertThat(result).as(field).hasStatus(400);
		assertThat(body(result)).as(field).contains("\"field\":\"" + field + "\"");
	}

	private static Map<String, Object> largestProduct() {
		Map<String, Object> product = new LinkedHashMap<>();
		product.put("title", limit("title").largestText());
		product.put("description", limit("description").largestText());
		product.put("category", "LIFESTYLE");
		product.put("imageUrl", limit("imageUrl").largestText());
		List<Object> plans = new ArrayList<>();
		for (int i = 0; i < limit("plans").max(); i++) {
			plans.add(plan(limit("plans[].name").largestText(), limit("plans[].price").max()));
		}
		product.put("plans", plans);
		product.put("terms", limit("terms").largestText());
		return product;
	}

	private static Map<String, Object> plan(String name, long price) {
		return Map.of("name", name, "billingPeriod", "YEARLY", "price", price);
	}

	private static FieldLimit limit(String field) {
		return EventContract.limit(EVENT, field);
	}

}
