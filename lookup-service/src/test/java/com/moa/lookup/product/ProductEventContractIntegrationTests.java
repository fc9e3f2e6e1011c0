package com.moa.lookup.product;

import java.time.Instant;
import java.util.UUID;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lookup-service's side of the product event contract in docs/events.md: a
 * {@code product.upserted} carrying the largest documented value of every field is stored
 * unchanged and reaches the catalog within 2 s (a too-narrow column sent such products to
 * the dead-letter queue instead).
 */
class ProductEventContractIntegrationTests extends LookupIntegrationTestSupport {

	private static final String EVENT = "product.upserted";

	@Test
	void storesTheLargestDocumentedValuesUnchanged() {
		UUID id = UUID.randomUUID();
		ObjectNode data = this.jsonMapper.createObjectNode();
		data.put("productId", id.toString());
		data.put("sellerId", UUID.randomUUID().toString());
		data.put("sellerName", limit("sellerName").largestText());
		data.put("title", limit("title").largestText());
		data.put("description", limit("description").largestText());
		data.put("category", "LIFESTYLE");
		data.put("imageUrl", limit("imageUrl").largestText());
		ArrayNode plans = data.putArray("plans");
		for (int i = 0; i < limit("plans").max(); i++) {
			ObjectNode plan = plans.addObject();
			plan.put("id", UUID.randomUUID().toString());
			plan.put("name", limit("plans[].name").largestText());
			plan.put("billingPeriod", "YEARLY");
			plan.put("price", limit("plans[].price").max() - i);
			plan.put("currency", "KRW");
		}
		data.put("terms", limit("terms").largestText());
		data.put("termsVersion", Integer.MAX_VALUE);
		data.put("status", "PUBLISHED");
		data.put("version", Long.MAX_VALUE);
		data.put("publishedAt", Instant.now().toString());
		data.put("updatedAt", Instant.now().toString());
		EventEnvelope event = envelope(EVENT, id, data);
		send(event);

		awaitVisible(id, limit("title").largestText());
		MvcTestResult detail = get("/api/products/" + id);
		assertThat(detail).hasStatusOk();
		assertThat(this.<String>read(detail, "$.sellerName")).isEqualTo(limit("sellerName").largestText());
		assertThat(this.<String>read(detail, "$.description")).isEqualTo(limit("description").largestText());
		assertThat(this.<String>read(detail, "$.imageUrl")).isEqualTo(limit("imageUrl").largestText());
		assertThat(this.<String>read(detail, "$.terms")).isEqualTo(limit("terms").largestText());
		assertThat(this.<Integer>read(detail, "$.plans.length()")).isEqualTo((int) limit("plans").max());
		assertThat(this.<String>read(detail, "$.plans[0].name")).isEqualTo(limit("plans[].name").largestText());
		assertThat(((Number) read(detail, "$.plans[0].price")).longValue()).isEqualTo(limit("plans[].price").max());
		assertThat(((Number) read(detail, "$.minPrice")).longValue())
			.isEqualTo(limit("plans[].price").max() - limit("plans").max() + 1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
			.param(event.id())
			.query(Integer.class)
			.single()).isEqualTo(1);
	}

	private static FieldLimit limit(String field) {
		return EventContract.limit(EVENT, field);
	}

}
