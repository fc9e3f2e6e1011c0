package com.moa.payment.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * payment-service's snapshot of the catalog ({@code product.*}): what a product costs now
 * and whether it sells. Snapshots apply only when their version is newer; a removal is
 * final.
 */
@Repository
public class Catalog {

	private final JdbcClient jdbc;

	Catalog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<CatalogProduct> find(UUID productId) {
		// Plans are read after the product's statement has finished: a query inside the
		// row mapper would hold one pooled connection while waiting for a second, and
		// under load every connection ends up waiting (seen in the purchase benchmark).
		Optional<CatalogProduct> product = this.jdbc
			.sql("SELECT id, seller_id, title, status, removed, terms_version FROM catalog_products WHERE id = ?")
			.param(productId)
			.query((rs, n) -> new CatalogProduct(rs.getObject("id", UUID.class), rs.getObject("seller_id", UUID.class),
					rs.getString("title"), rs.getString("status"), rs.getBoolean("removed"), List.of(),
					rs.getObject("terms_version", Integer.class)))
			.optional();
		return product.map((found) -> new CatalogProduct(found.id(), found.sellerId(), found.title(), found.status(),
				found.removed(), plans(productId), found.termsVersion()));
	}

	/** Applies a snapshot if newer; returns whether it did. */
	boolean upsert(UUID id, UUID sellerId, String title, String status, long version, List<CatalogPlan> plans,
			Integer termsVersion) {
		int changed = this.jdbc.sql("""
				INSERT INTO catalog_products (id, seller_id, title, status, version, terms_version)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET seller_id = EXCLUDED.seller_id, title = EXCLUDED.title,
				    status = EXCLUDED.status, version = EXCLUDED.version, terms_version = EXCLUDED.terms_version
				WHERE catalog_products.version < EXCLUDED.version AND NOT catalog_products.removed""")
			.params(id, sellerId, title, status, version, termsVersion)
			.update();
		if (changed == 0) {
			return false;
		}
		this.jdbc.sql("DELETE FROM catalog_plans WHERE product_id = ?").param(id).update();
		int position = 0;
		for (CatalogPlan plan : plans) {
			this.jdbc.sql("""
					INSERT INTO catalog_plans (id, product_id, position, name, billing_period, price, currency)
					VALUES (?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (id) DO UPDATE SET product_id = EXCLUDED.product_id, position = EXCLUDED.position,
					    name = EXCLUDED.name, billing_period = EXCLUDED.billing_period, price = EXCLUDED.price,
					    currency = EXCLUDED.currency""")
				.params(plan.id(), id, position++, plan.name(), plan.billingPeriod().name(), plan.price(),
						plan.currency())
				.update();
		}
		return true;
	}

	/** Marks the product removed for good (a tombstone, also when nothing was known). */
	void remove(UUID id, long version) {
		this.jdbc.sql("""
				INSERT INTO catalog_products (id, version, removed) VALUES (?, ?, true)
				ON CONFLICT (id) DO UPDATE SET removed = true,
				    version = GREATEST(catalog_products.version, EXCLUDED.version)""").params(id, version).update();
	}

	private List<CatalogPlan> plans(UUID productId) {
		List<CatalogPlan> plans = new ArrayList<>();
		this.jdbc.sql("SELECT * FROM catalog_plans WHERE product_id = ? ORDER BY position")
			.param(productId)
			.query((rs) -> {
				plans.add(new CatalogPlan(rs.getObject("id", UUID.class), rs.getString("name"),
						BillingPeriod.valueOf(rs.getString("billing_period")), rs.getLong("price"),
						rs.getString("currency")));
			});
		return plans;
	}

}
