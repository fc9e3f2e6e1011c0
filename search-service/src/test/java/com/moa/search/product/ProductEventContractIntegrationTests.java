package com.moa.search.product;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import com.moa.platform.web.Keywords;
import com.moa.search.SearchIntegrationTestSupport;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * search-service's side of the product event contract in docs/events.md: a
 * {@code product.upserted} carrying the largest documented value of every field, in the
 * characters most likely to be cut or changed, is applied, and its title is stored and
 * suggested exactly as the seller wrote it; the largest version still orders states.
 */
class ProductEventContractIntegrationTests extends SearchIntegrationTestSupport {

	private static final String EVENT = "product.upserted";

	private static final String QUEUE = "search.product-events";

	@Test
	void storesAndSuggestsTheLargestDocumentedTitleUnchanged() {
		String tag = "t" + UUID.randomUUID().toString().substring(0, 6);
		UUID productId = UUID.randomUUID();
		String older = limit("title").worstCaseText(tag + " older ");
		String title = limit("title").worstCaseText(tag + " ");
		assertThat((long) title.length()).isEqualTo(limit("title").max());

		// The version just below the largest first: stored as a double (53 bits), the two
		// would be equal and the newer state ignored.
		awaitProcessed(QUEUE, upserted(productId, older, Long.MAX_VALUE - 1));
		awaitProcessed(QUEUE, upserted(productId, title, Long.MAX_VALUE));

		Document stored = this.mongo.findById(productId.toString(), Document.class, "product_titles");
		assertThat(stored.getString("title")).isEqualTo(title);
		assertThat(stored.getString("normalized")).isEqualTo(Keywords.normalize(title));
		assertThat(stored.get("version", Number.class).longValue()).isEqualTo(Long.MAX_VALUE);
		assertThat(stored.getBoolean("published")).isTrue();
		// Matched on its normalized form (NFC lengthens some of its characters) and
		// answered as the seller wrote it.
		assertThat(suggestions(tag)).containsExactly(title);
	}

	/**
	 * {@code product.upserted} as seller-service publishes it, every field at its limit.
	 */
	private UUID upserted(UUID productId, String title, long version) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("productId", productId);
		data.put("sellerId", UUID.randomUUID());
		data.put("sellerName", limit("sellerName").worstCaseText("판매자 "));
		data.put("title", title);
		data.put("description", limit("description").worstCaseText("설명 "));
		data.put("category", "LIFESTYLE");
		data.put("imageUrl", limit("imageUrl").worstCaseText(""));
		List<Map<String, Object>> plans = new ArrayList<>();
		for (int i = 0; i < limit("plans").max(); i++) {
			plans.add(Map.of("id", UUID.randomUUID(), "name", limit("plans[].name").worstCaseText("플랜 " + i),
					"billingPeriod", "YEARLY", "price", limit("plans[].price").max() - i, "currency", "KRW"));
		}
		data.put("plans", plans);
		data.put("terms", limit("terms").worstCaseText("약관 "));
		data.put("termsVersion", Integer.MAX_VALUE);
		data.put("status", "PUBLISHED");
		data.put("version", version);
		data.put("publishedAt", Instant.now().toString());
		data.put("updatedAt", Instant.now().toString());
		UUID eventId = UUID.randomUUID();
		send(eventId, EVENT, productId, data);
		return eventId;
	}

	private List<String> suggestions(String prefix) {
		String encoded = URLEncoder.encode(prefix, StandardCharsets.UTF_8).replace("+", "%20");
		MvcTestResult answer = get("/api/search/suggestions?prefix=" + encoded + "&limit=10", null);
		assertThat(answer).hasStatusOk();
		return JsonPath.read(body(answer), "$");
	}

	private static FieldLimit limit(String field) {
		return EventContract.limit(EVENT, field);
	}

}
