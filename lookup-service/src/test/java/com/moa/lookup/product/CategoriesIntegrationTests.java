package com.moa.lookup.product;

import java.util.List;
import java.util.Map;

import com.moa.lookup.LookupIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/categories}: every category with its number of published products.
 */
class CategoriesIntegrationTests extends LookupIntegrationTestSupport {

	@Test
	void listsEveryCategoryWithItsPublishedProductCount() {
		Map<String, Integer> before = counts();
		Product first = product("Novel subscription").category("BOOKS");
		Product second = product("Comics subscription").category("BOOKS");
		Product pet = product("Pet food").category("PET");
		Product draft = product("Draft book").category("BOOKS").status("DRAFT");
		for (Product product : List.of(first, second, pet)) {
			publishUpserted(product);
		}
		awaitConsumed(publishUpserted(draft));
		for (Product product : List.of(first, second, pet)) {
			awaitVisible(product.id, product.title);
		}

		Map<String, Integer> after = counts();
		assertThat(after).containsOnlyKeys("MEAL_KIT", "STREAMING", "BEAUTY", "BOOKS", "FITNESS", "PET", "SOFTWARE",
				"LIFESTYLE");
		assertThat(after.get("BOOKS") - before.get("BOOKS")).isEqualTo(2);
		assertThat(after.get("PET") - before.get("PET")).isEqualTo(1);
		assertThat(after.get("BEAUTY")).isEqualTo(before.get("BEAUTY"));

		MvcTestResult result = get("/api/categories");
		assertThat(result).bodyJson().extractingPath("$[?(@.code == 'MEAL_KIT')].name").isEqualTo(List.of("밀키트"));
	}

	private Map<String, Integer> counts() {
		MvcTestResult result = get("/api/categories");
		assertThat(result).hasStatus(HttpStatus.OK);
		List<Map<String, Object>> categories = read(result, "$");
		return categories.stream()
			.collect(java.util.stream.Collectors.toMap((category) -> (String) category.get("code"),
					(category) -> ((Number) category.get("productCount")).intValue()));
	}

}
