package com.moa.seller.product;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores products in {@code products} and their plans in {@code product_plans}.
 */
@Repository
class ProductRepository {

	private final JdbcClient jdbc;

	ProductRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(Product product) {
		this.jdbc.sql("""
				INSERT INTO products (id, seller_id, seller_name, title, description, category, image_url, terms,
				    terms_version, status, version, created_at, updated_at, published_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(product.id(), product.sellerId(), product.sellerName(), product.title(), product.description(),
					product.category().name(), product.imageUrl(), product.terms(), product.termsVersion(),
					product.status().name(), product.version(), utc(product.createdAt()), utc(product.updatedAt()),
					utc(product.publishedAt()))
			.update();
		insertPlans(product);
	}

	/**
	 * Writes the product if it is still at {@code expectedVersion} (optimistic locking).
	 * @return whether the row was updated; {@code false} means a concurrent change won
	 */
	boolean update(Product product, long expectedVersion) {
		int rows = this.jdbc.sql("""
				UPDATE products SET seller_name = ?, title = ?, description = ?, category = ?, image_url = ?,
				    terms = ?, terms_version = ?, status = ?, version = ?, updated_at = ?, published_at = ?
				WHERE id = ? AND version = ?""")
			.params(product.sellerName(), product.title(), product.description(), product.category().name(),
					product.imageUrl(), product.terms(), product.termsVersion(), product.status().name(),
					product.version(), utc(product.updatedAt()), utc(product.publishedAt()), product.id(),
					expectedVersion)
			.update();
		if (rows == 0) {
			return false;
		}
		this.jdbc.sql("DELETE FROM product_plans WHERE product_id = ?").param(product.id()).update();
		insertPlans(product);
		return true;
	}

	/** The seller's product unless it is deleted. */
	Optional<Product> findOwned(UUID id, UUID sellerId) {
		return this.jdbc.sql("SELECT * FROM products WHERE id = ? AND seller_id = ? AND status <> 'DELETED'")
			.params(id, sellerId)
			.query(ProductRepository::mapProduct)
			.optional()
			.map((row) -> row.toProduct(plansOf(List.of(id)).getOrDefault(id, List.of())));
	}

	/** One page of the seller's products that are not deleted, newest first. */
	List<Product> findPage(UUID sellerId, ProductStatus status, long offset, int limit) {
		List<ProductRow> rows = this.jdbc
			.sql("""
					SELECT * FROM products
					WHERE seller_id = :seller AND status <> 'DELETED' AND (CAST(:status AS text) IS NULL OR status = :status)
					ORDER BY created_at DESC, id
					OFFSET :offset LIMIT :limit""")
			.param("seller", sellerId)
			.param("status", (status != null) ? status.name() : null)
			.param("offset", offset)
			.param("limit", limit)
			.query(ProductRepository::mapProduct)
			.list();
		if (rows.isEmpty()) {
			return List.of();
		}
		Map<UUID, List<Plan>> plans = plansOf(rows.stream().map(ProductRow::id).toList());
		return rows.stream().map((row) -> row.toProduct(plans.getOrDefault(row.id(), List.of()))).toList();
	}

	/**
	 * Up to {@code limit} products of every seller and status with ids after
	 * {@code after}, in id order (keyset paging for backfills).
	 */
	List<Product> findAfter(UUID after, int limit) {
		List<ProductRow> rows = this.jdbc.sql("SELECT * FROM products WHERE id > ? ORDER BY id LIMIT ?")
			.params(after, limit)
			.query(ProductRepository::mapProduct)
			.list();
		if (rows.isEmpty()) {
			return List.of();
		}
		Map<UUID, List<Plan>> plans = plansOf(rows.stream().map(ProductRow::id).toList());
		return rows.stream().map((row) -> row.toProduct(plans.getOrDefault(row.id(), List.of()))).toList();
	}

	/** Every product of the seller that is not deleted. */
	List<Product> findAllOfSeller(UUID sellerId) {
		List<ProductRow> rows = this.jdbc
			.sql("SELECT * FROM products WHERE seller_id = ? AND status <> 'DELETED' ORDER BY created_at")
			.param(sellerId)
			.query(ProductRepository::mapProduct)
			.list();
		if (rows.isEmpty()) {
			return List.of();
		}
		Map<UUID, List<Plan>> plans = plansOf(rows.stream().map(ProductRow::id).toList());
		return rows.stream().map((row) -> row.toProduct(plans.getOrDefault(row.id(), List.of()))).toList();
	}

	long count(UUID sellerId, ProductStatus status) {
		return this.jdbc
			.sql("""
					SELECT count(*) FROM products
					WHERE seller_id = :seller AND status <> 'DELETED' AND (CAST(:status AS text) IS NULL OR status = :status)""")
			.param("seller", sellerId)
			.param("status", (status != null) ? status.name() : null)
			.query(Long.class)
			.single();
	}

	private void insertPlans(Product product) {
		int position = 0;
		for (Plan plan : product.plans()) {
			this.jdbc.sql("""
					INSERT INTO product_plans (id, product_id, position, name, billing_period, price, currency)
					VALUES (?, ?, ?, ?, ?, ?, ?)""")
				.params(plan.id(), product.id(), position++, plan.name(), plan.billingPeriod().name(), plan.price(),
						plan.currency())
				.update();
		}
	}

	private Map<UUID, List<Plan>> plansOf(List<UUID> productIds) {
		Map<UUID, List<Plan>> plans = new LinkedHashMap<>();
		this.jdbc.sql("SELECT * FROM product_plans WHERE product_id IN (:ids) ORDER BY product_id, position")
			.param("ids", productIds)
			.query((rs) -> {
				plans.computeIfAbsent(rs.getObject("product_id", UUID.class), (id) -> new ArrayList<>())
					.add(new Plan(rs.getObject("id", UUID.class), rs.getString("name"),
							BillingPeriod.valueOf(rs.getString("billing_period")), rs.getLong("price"),
							rs.getString("currency")));
			});
		return plans;
	}

	private static ProductRow mapProduct(ResultSet rs, int row) throws SQLException {
		return new ProductRow(rs.getObject("id", UUID.class), rs.getObject("seller_id", UUID.class),
				rs.getString("seller_name"), rs.getString("title"), rs.getString("description"),
				Category.valueOf(rs.getString("category")), rs.getString("image_url"), rs.getString("terms"),
				rs.getInt("terms_version"), ProductStatus.valueOf(rs.getString("status")), rs.getLong("version"),
				instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "published_at"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	private record ProductRow(UUID id, UUID sellerId, String sellerName, String title, String description,
			Category category, String imageUrl, String terms, int termsVersion, ProductStatus status, long version,
			Instant createdAt, Instant updatedAt, Instant publishedAt) {

		Product toProduct(List<Plan> plans) {
			return new Product(this.id, this.sellerId, this.sellerName, this.title, this.description, this.category,
					this.imageUrl, plans, this.terms, this.termsVersion, this.status, this.version, this.createdAt,
					this.updatedAt, this.publishedAt);
		}

	}

}
