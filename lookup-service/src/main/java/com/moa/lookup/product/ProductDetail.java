package com.moa.lookup.product;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One product with everything a buyer needs to subscribe (API.md {@code ProductDetail}),
 * nulls included as in {@link ProductSummary}.
 */
public record ProductDetail(UUID id, String title, String category, UUID sellerId, String sellerName, String imageUrl,
		Long minPrice, String currency, long viewCount, @JsonInclude(JsonInclude.Include.NON_NULL) Long subscriberCount,
		Instant publishedAt, String description, List<Plan> plans, String terms, Integer termsVersion,
		Instant updatedAt) {

	ProductDetail withViewCount(long count) {
		return new ProductDetail(this.id, this.title, this.category, this.sellerId, this.sellerName, this.imageUrl,
				this.minPrice, this.currency, count, this.subscriberCount, this.publishedAt, this.description,
				this.plans, this.terms, this.termsVersion, this.updatedAt);
	}

}
