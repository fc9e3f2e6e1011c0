package com.moa.seller.product;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

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

	/**
	 * The seller's name, read under a shared lock against {@link #store}: a product
	 * created or changed in this transaction either sees a name being stored or is seen
	 * by the rename that follows the store, never neither (a rename snapshots the
	 * seller's products, which would miss a product committed after it).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	Optional<String> nameOf(UUID sellerId) {
		lock(sellerId, "pg_advisory_xact_lock_shared");
		return this.jdbc.sql("SELECT name FROM seller_names WHERE user_id = ?")
			.param(sellerId)
			.query(String.class)
			.optional();
	}

	/**
	 * Stores the name if the version is newer; returns whether it did. Holds the seller's
	 * lock exclusively until the transaction ends, so the rename that follows sees every
	 * product created meanwhile. An advisory lock, as a row lock on {@code seller_names}
	 * cannot cover a seller's first name.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	boolean store(UUID sellerId, String name, long version) {
		lock(sellerId, "pg_advisory_xact_lock");
		return this.jdbc.sql("""
				INSERT INTO seller_names (user_id, name, version) VALUES (?, ?, ?)
				ON CONFLICT (user_id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version
				WHERE seller_names.version < EXCLUDED.version""").params(sellerId, name, version).update() == 1;
	}

	private void lock(UUID sellerId, String function) {
		this.jdbc.sql("SELECT " + function + "(hashtextextended('seller-name:' || CAST(? AS text), 0))")
			.param(sellerId)
			.query((rs) -> {
			});
	}

}
