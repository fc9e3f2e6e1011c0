package com.moa.seller.product;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A product as its seller sees it (API.md "Seller").
 */
record SellerProduct(UUID id, UUID sellerId, String title, String description, Category category, String imageUrl,
		List<Plan> plans, String terms, int termsVersion, ProductStatus status, long version, Instant createdAt,
		Instant updatedAt, Instant publishedAt) {

	static SellerProduct of(Product product) {
		return new SellerProduct(product.id(), product.sellerId(), product.title(), product.description(),
				product.category(), product.imageUrl(), product.plans(), product.terms(), product.termsVersion(),
				product.status(), product.version(), product.createdAt(), product.updatedAt(), product.publishedAt());
	}

}
