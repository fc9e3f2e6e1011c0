package com.moa.seller.product;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code product.upserted}: the full snapshot of a product after any change (EVENTS.md);
 * consumers apply it only when {@code version} is newer than theirs.
 */
record ProductUpserted(UUID productId, UUID sellerId, String sellerName, String title, String description,
		Category category, String imageUrl, List<Plan> plans, String terms, int termsVersion, ProductStatus status,
		long version, Instant publishedAt, Instant updatedAt) {

	static final String TYPE = "product.upserted";

	static ProductUpserted of(Product product) {
		return new ProductUpserted(product.id(), product.sellerId(), product.sellerName(), product.title(),
				product.description(), product.category(), product.imageUrl(), product.plans(), product.terms(),
				product.termsVersion(), product.status(), product.version(), product.publishedAt(),
				product.updatedAt());
	}

}
