package com.moa.lookup.product;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A product as listed in the catalog (API.md {@code ProductSummary}).
 * {@code subscriberCount} is omitted until subscription events are consumed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProductSummary(UUID id, String title, String category, UUID sellerId, String sellerName, String imageUrl,
		Long minPrice, String currency, long viewCount, Long subscriberCount, Instant publishedAt) {

	ProductSummary withViewCount(long count) {
		return new ProductSummary(this.id, this.title, this.category, this.sellerId, this.sellerName, this.imageUrl,
				this.minPrice, this.currency, count, this.subscriberCount, this.publishedAt);
	}

}
