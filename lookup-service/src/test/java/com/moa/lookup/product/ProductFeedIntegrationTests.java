package com.moa.lookup.product;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.moa.lookup.LookupIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/products/feed}: keyset pages over {@code (published_at, id)} that stay
 * consistent while products are published between requests.
 */
class ProductFeedIntegrationTests extends LookupIntegrationTestSupport {

	@Test
	void pagesThroughAllItemsWithoutDuplicatesOrGapsWhileNewProductsArrive() {
		Instant base = Instant.now().minus(1, ChronoUnit.DAYS);
		List<Product> existing = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			// Two share a publication time: the id breaks the tie.
			existing.add(product("Feed item " + i).category("FITNESS")
				.publishedAt(base.plus(Math.min(i, 5), ChronoUnit.MINUTES)));
		}
		existing.forEach(this::publishUpserted);
		existing.forEach((product) -> awaitVisible(product.id, product.title));
		List<UUID> expected = feedIds("FITNESS");
		assertThat(expected).containsAll(existing.stream().map((product) -> product.id).toList());

		List<UUID> seen = new ArrayList<>();
		List<UUID> arrivedMeanwhile = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			MvcTestResult page = get(
					"/api/products/feed?category=FITNESS&size=3" + ((cursor != null) ? "&cursor=" + cursor : ""));
			assertThat(page).hasStatus(HttpStatus.OK);
			List<String> items = read(page, "$.items[*].id");
			items.stream().map(UUID::fromString).forEach(seen::add);
			cursor = read(page, "$.nextCursor");
			// Someone publishes between two page requests.
			Product fresh = product("Arrived during paging " + pages).category("FITNESS");
			publishUpserted(fresh);
			awaitVisible(fresh.id, fresh.title);
			arrivedMeanwhile.add(fresh.id);
			pages++;
		}
		while (cursor != null && pages < 50);

		assertThat(cursor).as("nextCursor at the end").isNull();
		assertThat(seen).doesNotHaveDuplicates();
		assertThat(seen).containsExactlyElementsOf(expected);
		assertThat(seen).doesNotContainAnyElementsOf(arrivedMeanwhile);
	}

	@Test
	void lastPageHasNoNextCursor() {
		Product only = product("Only one in its category").category("SOFTWARE");
		publishAndAwait(only);
		int total = feedIds("SOFTWARE").size();

		MvcTestResult page = get("/api/products/feed?category=SOFTWARE&size=" + total);
		assertThat(page).hasStatus(HttpStatus.OK);
		assertThat(page).bodyJson().extractingPath("$.nextCursor").isNull();
		assertThat(page).bodyJson().extractingPath("$.items.length()").isEqualTo(total);
	}

	@Test
	void rejectsMalformedCursorAndBadSize() {
		assertThat(get("/api/products/feed?cursor=not-a-cursor!")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get("/api/products/feed?cursor=aGVsbG8")).hasStatus(HttpStatus.BAD_REQUEST);
		// Well formed, but instants no database holds.
		for (String instant : List.of("+1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
				"+294277-01-01T00:00:00Z", "-4714-01-01T00:00:00Z")) {
			String cursor = java.util.Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString((instant + "|" + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			assertThat(get("/api/products/feed?cursor=" + cursor)).as(instant).hasStatus(HttpStatus.BAD_REQUEST);
		}
		assertThat(get("/api/products/feed?size=0")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get("/api/products/feed?size=101")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get("/api/products/feed?category=NOPE")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	/**
	 * Every id of the category's feed, in feed order.
	 */
	private List<UUID> feedIds(String category) {
		List<UUID> ids = new ArrayList<>();
		String cursor = null;
		do {
			MvcTestResult page = get("/api/products/feed?category=" + category + "&size=100"
					+ ((cursor != null) ? "&cursor=" + cursor : ""));
			List<String> items = read(page, "$.items[*].id");
			items.stream().map(UUID::fromString).forEach(ids::add);
			cursor = read(page, "$.nextCursor");
		}
		while (cursor != null);
		return ids;
	}

}
