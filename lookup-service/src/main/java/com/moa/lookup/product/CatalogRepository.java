package com.moa.lookup.product;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL access to {@code catalog_products}: version-checked writes from events and the
 * browse queries, which only ever see published, not removed products.
 */
@Repository
class CatalogRepository {

	private static final String VISIBLE = "status = 'PUBLISHED' AND NOT removed";

	private static final String SUMMARY_COLUMNS = "id, title, category, seller_id, seller_name, image_url, min_price, currency, view_count, subscriber_count, published_at";

	private final JdbcClient jdbc;

	CatalogRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Stores the snapshot if it is newer than the stored one; an older or equal version,
	 * or a removed product, is left untouched.
	 * @return whether the row changed
	 */
	boolean upsert(ProductSnapshot product) {
		lockProduct(product.id());
		return this.jdbc.sql("""
				INSERT INTO catalog_products (id, seller_id, seller_name, title, description, category, image_url,
				    min_price, currency, plans, terms, terms_version, status, version, published_at, updated_at,
				    subscriber_count)
				VALUES (:id, :sellerId, :sellerName, :title, :description, :category, :imageUrl,
				    :minPrice, :currency, CAST(:plans AS jsonb), :terms, :termsVersion, :status, :version,
				    :publishedAt, :updatedAt,
				    (SELECT count(*) FROM catalog_subscriptions WHERE product_id = :id AND live))
				ON CONFLICT (id) DO UPDATE SET
				    seller_id = EXCLUDED.seller_id, seller_name = EXCLUDED.seller_name, title = EXCLUDED.title,
				    description = EXCLUDED.description, category = EXCLUDED.category, image_url = EXCLUDED.image_url,
				    min_price = EXCLUDED.min_price, currency = EXCLUDED.currency, plans = EXCLUDED.plans,
				    terms = EXCLUDED.terms, terms_version = EXCLUDED.terms_version, status = EXCLUDED.status,
				    version = EXCLUDED.version, published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at
				WHERE catalog_products.version < EXCLUDED.version AND NOT catalog_products.removed
				""")
			.param("id", product.id())
			.param("sellerId", product.sellerId())
			.param("sellerName", product.sellerName())
			.param("title", product.title())
			.param("description", product.description())
			.param("category", product.category())
			.param("imageUrl", product.imageUrl())
			.param("minPrice", product.minPrice())
			.param("currency", product.currency())
			.param("plans", product.plansJson())
			.param("terms", product.terms())
			.param("termsVersion", product.termsVersion())
			.param("status", product.status())
			.param("version", product.version())
			.param("publishedAt", timestamp(product.publishedAt()))
			.param("updatedAt", timestamp(product.updatedAt()))
			.update() == 1;
	}

	/**
	 * Marks the product removed for good, whatever version is stored; a removal that
	 * arrives before any snapshot leaves a tombstone so the late snapshot stays hidden.
	 */
	void remove(UUID id, long version) {
		this.jdbc.sql("""
				INSERT INTO catalog_products (id, version, removed) VALUES (:id, :version, true)
				ON CONFLICT (id) DO UPDATE SET removed = true,
				    version = GREATEST(catalog_products.version, EXCLUDED.version)
				""").param("id", id).param("version", version).update();
	}

	/**
	 * Visible products, optionally of one category and matching a query, which is a
	 * normalized keyword ({@code SearchEvents.normalize}: NFC, as {@code search_text}).
	 */
	long count(Optional<Category> category, Optional<String> query) {
		return query(countSql(category, query)).query(Long.class).single();
	}

	List<ProductSummary> page(Optional<Category> category, Optional<String> query, ProductSort sort, int limit,
			long offset) {
		return query(pageSql(category, query, sort, limit, offset)).query(CatalogRepository::summary).list();
	}

	/** Up to {@code limit} visible products strictly after the cursor in feed order. */
	List<ProductSummary> feed(Optional<Category> category, Optional<FeedCursor> after, int limit) {
		return query(feedSql(category, after, limit)).query(CatalogRepository::summary).list();
	}

	// The browse statements are built apart from running them, so a test can EXPLAIN
	// exactly what the endpoints send.

	static Sql countSql(Optional<Category> category, Optional<String> query) {
		Filter filter = Filter.of(category, query);
		return new Sql("SELECT count(*) FROM catalog_products WHERE " + filter.where(), filter.params());
	}

	static Sql pageSql(Optional<Category> category, Optional<String> query, ProductSort sort, int limit, long offset) {
		Filter filter = Filter.of(category, query);
		Map<String, Object> params = filter.params();
		params.put("limit", limit);
		params.put("offset", offset);
		return new Sql("SELECT " + SUMMARY_COLUMNS + " FROM catalog_products WHERE " + filter.where() + " ORDER BY "
				+ sort.orderBy() + " LIMIT :limit OFFSET :offset", params);
	}

	static Sql feedSql(Optional<Category> category, Optional<FeedCursor> after, int limit) {
		Filter filter = Filter.of(category, Optional.empty());
		String where = filter.where();
		Map<String, Object> params = filter.params();
		if (after.isPresent()) {
			// Row comparison matches the (published_at DESC, id DESC) index order.
			where += " AND (published_at, id) < (:afterPublishedAt, :afterId)";
			params.put("afterPublishedAt", timestamp(after.get().publishedAt()));
			params.put("afterId", after.get().id());
		}
		params.put("limit", limit);
		return new Sql("SELECT " + SUMMARY_COLUMNS + " FROM catalog_products WHERE " + where
				+ " ORDER BY published_at DESC, id DESC LIMIT :limit", params);
	}

	private JdbcClient.StatementSpec query(Sql sql) {
		return this.jdbc.sql(sql.text()).params(sql.params());
	}

	Optional<DetailRow> detail(UUID id) {
		return this.jdbc
			.sql("SELECT " + SUMMARY_COLUMNS
					+ ", description, plans::text AS plans, terms, terms_version, updated_at FROM catalog_products"
					+ " WHERE id = :id AND " + VISIBLE)
			.param("id", id)
			.query((rs, rowNum) -> new DetailRow(summary(rs, rowNum), rs.getString("description"),
					rs.getString("plans"), rs.getString("terms"), (Integer) rs.getObject("terms_version"),
					instant(rs, "updated_at")))
			.optional();
	}

	Map<Category, Long> countsByCategory() {
		Map<Category, Long> counts = new EnumMap<>(Category.class);
		this.jdbc
			.sql("SELECT category, count(*) AS products FROM catalog_products WHERE " + VISIBLE + " GROUP BY category")
			.query((ResultSet rs) -> {
				try {
					counts.put(Category.valueOf(rs.getString("category")), rs.getLong("products"));
				}
				catch (IllegalArgumentException | NullPointerException ex) {
					// A category this service does not know yet is not listed.
				}
			});
		return counts;
	}

	/**
	 * Applies a subscription's state if its version is newer, moving the product's
	 * subscriber count when it became live or ended.
	 * @return whether it applied
	 */
	boolean applySubscription(UUID subscriptionId, UUID productId, boolean live, long version) {
		// Serializes events of one subscription across consumers (instances).
		this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(CAST(? AS text), 7))")
			.param(subscriptionId)
			.query((rs, n) -> 1)
			.list();
		StoredSubscription stored = this.jdbc
			.sql("SELECT live, version FROM catalog_subscriptions WHERE subscription_id = ?")
			.param(subscriptionId)
			.query((rs, n) -> new StoredSubscription(rs.getBoolean("live"), rs.getLong("version")))
			.optional()
			.orElse(null);
		if (stored != null && stored.version() >= version) {
			return false;
		}
		boolean wasLive = stored != null && stored.live();
		lockProduct(productId);
		this.jdbc.sql("""
				INSERT INTO catalog_subscriptions (subscription_id, product_id, live, version) VALUES (?, ?, ?, ?)
				ON CONFLICT (subscription_id) DO UPDATE SET live = EXCLUDED.live, version = EXCLUDED.version""")
			.params(subscriptionId, productId, live, version)
			.update();
		int delta = (live ? 1 : 0) - (wasLive ? 1 : 0);
		if (delta != 0) {
			this.jdbc.sql("UPDATE catalog_products SET subscriber_count = subscriber_count + ? WHERE id = ?")
				.params(delta, productId)
				.update();
		}
		return delta != 0;
	}

	/**
	 * Orders a product's first snapshot and its subscription changes (callers are in a
	 * transaction, which holds it): a first snapshot counts the live subscriptions with a
	 * query that cannot see one being added concurrently, whose +1 finds no product row
	 * yet, so without this both commit and the count stays one short for good.
	 */
	private void lockProduct(UUID productId) {
		this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(CAST(? AS text), 8))")
			.param(productId)
			.query((rs, n) -> 1)
			.list();
	}

	private record StoredSubscription(boolean live, long version) {
	}

	private static ProductSummary summary(ResultSet rs, int rowNum) throws SQLException {
		return new ProductSummary(rs.getObject("id", UUID.class), rs.getString("title"), rs.getString("category"),
				rs.getObject("seller_id", UUID.class), rs.getString("seller_name"), rs.getString("image_url"),
				rs.getObject("min_price", Long.class), rs.getString("currency"), rs.getLong("view_count"),
				rs.getLong("subscriber_count"), instant(rs, "published_at"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static OffsetDateTime timestamp(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	/** A statement with its named parameters. */
	record Sql(String text, Map<String, Object> params) {

	}

	/** The detail columns beyond the summary, with plans still as JSON. */
	record DetailRow(ProductSummary summary, String description, String plansJson, String terms, Integer termsVersion,
			Instant updatedAt) {

	}

	private record Filter(String where, Map<String, Object> params) {

		static Filter of(Optional<Category> category, Optional<String> query) {
			List<String> conditions = new ArrayList<>(List.of(VISIBLE));
			Map<String, Object> params = new java.util.HashMap<>();
			category.ifPresent((value) -> {
				conditions.add("category = :category");
				params.put("category", value.name());
			});
			query.ifPresent((value) -> {
				// q is NFC (SearchEvents.normalize) and so is search_text (V6: title,
				// line break, description, kept by a trigger), so decomposed (NFD) and
				// precomposed Hangul
				// match each other while title and description stay as written. q has
				// no line break, so a match never spans the two fields. ILIKE is
				// case-insensitive for Hangul and Latin alike; the pattern's own
				// wildcards are escaped so '%' and '_' in q match literally.
				params.put("pattern", "%" + escapeLike(value) + "%");
				if (hasTrigrams(value)) {
					conditions.add("search_text ILIKE :pattern");
				}
				else {
					// No trigram in q: the gram index (V6, as V3's) finds the
					// candidates and ILIKE decides. "|| ''" hides the ILIKE from the
					// trigram index: every such q is this one statement text, and a
					// generic plan for it (pgjdbc server-prepares a statement after 5
					// uses) took the trigram index, which with no trigram to look up
					// reads all of it (1 s at 100k products instead of 10 ms).
					conditions.add("search_text_grams @> ARRAY[lower(:gram)]");
					conditions.add("(search_text || '') ILIKE :pattern");
					params.put("gram", gram(value));
				}
			});
			return new Filter(String.join(" AND ", conditions), params);
		}

		/**
		 * Whether pg_trgm finds trigrams in q: three characters or more, and a letter or
		 * digit among them (it takes words of letters and digits only; '!!!' and emoji
		 * have none, and read the whole trigram index: ~0.45 s at 100k products).
		 */
		private static boolean hasTrigrams(String value) {
			return value.codePointCount(0, value.length()) >= 3
					&& value.codePoints().anyMatch(Character::isLetterOrDigit);
		}

		/**
		 * A gram every text containing q has: q's first two characters, or its first one
		 * when a space follows (grams are taken within words; a normalized q has no other
		 * whitespace than single spaces, and none at its ends).
		 */
		private static String gram(String value) {
			int afterFirst = Character.charCount(value.codePointAt(0));
			if (afterFirst == value.length() || value.charAt(afterFirst) == ' ') {
				return value.substring(0, afterFirst);
			}
			return value.substring(0, value.offsetByCodePoints(afterFirst, 1));
		}

		private static String escapeLike(String value) {
			return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
		}

	}

}
