package com.moa.lookup.product;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A product as listed in the catalog (API.md {@code ProductSummary}): every field
 * present, {@code null} when unknown (a product without an image, a seller whose name has
 * not arrived); API.md's optional {@code subscriberCount} only when known. Clients check
 * the API's shape: a missing key is not a null value.
 */
public record ProductSummary(UUID id, String title, String category, UUID sellerId, String sellerName, String imageUrl,
		Long minPrice, String currency, long viewCount, @JsonInclude(JsonInclude.Include.NON_NULL) Long subscriberCount,
		Instant publishedAt) {

	ProductSummary withViewCount(long count) {
		return new ProductSummary(this.id, this.title, this.category, this.sellerId, this.sellerName, this.imageUrl,
				this.minPrice, this.currency, count, this.subscriberCount, this.publishedAt);
	}

}
