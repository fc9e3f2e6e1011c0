package com.moa.lookup.product;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.platform.web.PageResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A cached listing is written with the live view counts over the stored ones, and is
 * otherwise byte for byte what Jackson wrote, whatever the titles contain.
 */
class ListingJsonTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	@Test
	void liveCountsReplaceSmallerStoredOnesAndNothingElseChanges() {
		// Titles that look like the key, and text that is not Latin-1.
		ProductSummary tricky = product("\"viewCount\":99 viewCount\": 요가 매트 😀", 7);
		ProductSummary plain = product("Plain", 5);
		ProductSummary untouched = product("Untouched", 3);
		PageResponse<ProductSummary> page = PageResponse.of(List.of(tricky, plain, untouched), 0, 20, 3);
		ListingJson listing = roundTrip(ListingJson.of(page, page.content(), 3, this.jsonMapper));

		byte[] rendered = listing.render(Map.of(tricky.id(), 12L, plain.id(), 4L));

		PageResponse<ProductSummary> expected = PageResponse.of(List.of(tricky.withViewCount(12), plain, untouched), 0,
				20, 3);
		assertThat(new String(rendered, StandardCharsets.UTF_8))
			.isEqualTo(this.jsonMapper.writeValueAsString(expected));
		assertThat(listing.total()).isEqualTo(3);
	}

	@Test
	void withoutLiveCountsTheStoredJsonIsServed() {
		ProductFeed feed = new ProductFeed(List.of(product("A", Long.MAX_VALUE)), "cursor");
		ListingJson listing = roundTrip(ListingJson.of(feed, feed.items(), -1, this.jsonMapper));

		JsonNode rendered = this.jsonMapper.readTree(listing.render(Map.of()));

		assertThat(rendered.path("items").get(0).path("viewCount").asLong()).isEqualTo(Long.MAX_VALUE);
		assertThat(rendered.path("nextCursor").asString()).isEqualTo("cursor");
	}

	@Test
	void emptyListing() {
		PageResponse<ProductSummary> page = PageResponse.of(List.of(), 3, 20, 0);
		ListingJson listing = roundTrip(ListingJson.of(page, page.content(), 0, this.jsonMapper));

		assertThat(new String(listing.render(Map.of(UUID.randomUUID(), 1L)), StandardCharsets.UTF_8))
			.isEqualTo(this.jsonMapper.writeValueAsString(page));
	}

	@Test
	void entriesThatDoNotMatchTheirJsonAreRefused() {
		UUID id = UUID.randomUUID();
		assertThatIllegalArgumentException().isThrownBy(() -> decode("{\"id\": [not json"));
		assertThatIllegalArgumentException().isThrownBy(() -> decode("1\n" + id + "\n{\"content\":[]}"));
		assertThatIllegalArgumentException().isThrownBy(() -> decode("1\n\n{\"content\":[{\"viewCount\":1}]}"));
		assertThatIllegalArgumentException().isThrownBy(() -> decode("x\n" + id + "\n{\"viewCount\":1}"));
		assertThatIllegalArgumentException().isThrownBy(() -> decode("1\nnot-a-uuid\n{\"viewCount\":1}"));
	}

	private static ListingJson decode(String entry) {
		return ListingJson.CODEC.decode(entry.getBytes(StandardCharsets.UTF_8));
	}

	private static ListingJson roundTrip(ListingJson listing) {
		return ListingJson.CODEC.decode(ListingJson.CODEC.encode(listing));
	}

	private static ProductSummary product(String title, long views) {
		return new ProductSummary(UUID.randomUUID(), title, "BOOKS", UUID.randomUUID(), "Seller", null, 9900L, "KRW",
				views, null, Instant.parse("2026-11-30T00:00:00Z"));
	}

}
