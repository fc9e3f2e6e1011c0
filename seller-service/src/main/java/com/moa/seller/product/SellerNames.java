package com.moa.seller.product;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Sellers' display names, projected from {@code user.*} ({@link SellerNameEvents}), so
 * {@code product.upserted} carries {@code sellerName}.
 */
@Repository
class SellerNames {

	private final JdbcClient jdbc;

	SellerNames(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<String> nameOf(UUID sellerId) {
		return this.jdbc.sql("SELECT name FROM seller_names WHERE user_id = ?")
			.param(sellerId)
			.query(String.class)
			.optional();
	}

	/** Stores the name if the version is newer; returns whether it did. */
	boolean store(UUID sellerId, String name, long version) {
		return this.jdbc.sql("""
				INSERT INTO seller_names (user_id, name, version) VALUES (?, ?, ?)
				ON CONFLICT (user_id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version
				WHERE seller_names.version < EXCLUDED.version""").params(sellerId, name, version).update() == 1;
	}

}
