package com.moa.lookup.product;

import java.time.Instant;
import java.util.UUID;

/**
 * The data of one {@code product.upserted} event, flattened for the read model.
 *
 * @param plansJson the plans array as JSON, stored as is
 * @param minPrice the cheapest plan's price, null without plans
 * @param currency that plan's currency
 */
record ProductSnapshot(UUID id, UUID sellerId, String sellerName, String title, String description, String category,
		String imageUrl, Long minPrice, String currency, String plansJson, String terms, Integer termsVersion,
		String status, long version, Instant publishedAt, Instant updatedAt) {

}
