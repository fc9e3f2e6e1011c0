package com.moa.lookup.product;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.moa.lookup.LookupProperties;
import com.moa.lookup.cache.ResponseCache;
import com.moa.lookup.view.ViewCounter;
import com.moa.platform.web.PageResponse;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * The catalog's read use cases: offset pages, the keyset feed, detail and categories.
 * Responses come from {@link ResponseCache} when they can; listings are cached as the
 * JSON clients get ({@link ListingJson}), whose view counts are then replaced by the live
 * ones from {@link ViewCounter}.
 */
@Service
class ProductQueries {

	private static final TypeReference<List<Plan>> PLANS = new TypeReference<>() {
	};

	private static final TypeReference<ProductDetail> DETAIL = new TypeReference<>() {
	};

	private static final TypeReference<List<CategoryCount>> CATEGORIES = new TypeReference<>() {
	};

	private final CatalogRepository catalog;

	private final ResponseCache cache;

	private final ViewCounter views;

	private final JsonMapper jsonMapper;

	/**
	 * For what this service stored: Boot's mapper applies the rules for client input,
	 * which stored text older than a rule would break (a 500 on the product's page).
	 */
	private static final JsonMapper STORED_JSON = JsonMapper.builder().build();

	private final Duration ttl;

	private final Duration popularTtl;

	ProductQueries(CatalogRepository catalog, ResponseCache cache, ViewCounter views, JsonMapper jsonMapper,
			LookupProperties properties) {
		this.catalog = catalog;
		this.cache = cache;
		this.views = views;
		this.jsonMapper = jsonMapper;
		this.ttl = properties.cache().ttl();
		this.popularTtl = properties.cache().popularTtl();
	}

	ListingJson page(Optional<Category> category, Optional<String> query, ProductSort sort, int page, int size) {
		String key = "page:" + sort + ":" + category.map(Enum::name).orElse("") + ":" + page + ":" + size + ":"
				+ query.map((q) -> URLEncoder.encode(q, StandardCharsets.UTF_8)).orElse("");
		Duration ttl = (sort == ProductSort.POPULAR) ? this.popularTtl : this.ttl;
		return this.cache.get(key, ttl, ListingJson.CODEC, () -> {
			PageResponse<ProductSummary> loaded = loadPage(category, query, sort, page, size);
			return ListingJson.of(loaded, loaded.content(), loaded.totalElements(), this.jsonMapper);
		});
	}

	private PageResponse<ProductSummary> loadPage(Optional<Category> category, Optional<String> query, ProductSort sort,
			int page, int size) {
		long total = this.catalog.count(category, query);
		List<ProductSummary> content = ((long) page * size < total)
				? this.catalog.page(category, query, sort, size, (long) page * size) : List.of();
		return PageResponse.of(content, page, size, total);
	}

	ListingJson feed(Optional<Category> category, Optional<FeedCursor> after, int size) {
		String key = "feed:" + category.map(Enum::name).orElse("") + ":" + size + ":"
				+ after.map(FeedCursor::encode).orElse("");
		return this.cache.get(key, this.ttl, ListingJson.CODEC, () -> {
			ProductFeed loaded = loadFeed(category, after, size);
			return ListingJson.of(loaded, loaded.items(), -1, this.jsonMapper);
		});
	}

	/**
	 * The listing as JSON with the current view counts, so a cached one never shows old
	 * ones.
	 */
	byte[] withCurrentViewCounts(ListingJson listing) {
		return listing.render(this.views.totals(listing.ids()));
	}

	private ProductFeed loadFeed(Optional<Category> category, Optional<FeedCursor> after, int size) {
		// One extra row tells whether another page exists without a count query.
		List<ProductSummary> rows = new ArrayList<>(this.catalog.feed(category, after, size + 1));
		if (rows.size() <= size) {
			return new ProductFeed(rows, null);
		}
		List<ProductSummary> items = rows.subList(0, size);
		ProductSummary last = items.get(size - 1);
		return new ProductFeed(List.copyOf(items), new FeedCursor(last.publishedAt(), last.id()).encode());
	}

	/**
	 * The product as cached or stored, with the view count PostgreSQL had; the caller
	 * counts the view and shows the live count.
	 */
	ProductDetail detail(UUID id) {
		return this.cache.get("detail:" + id, DETAIL, () -> loadDetail(id));
	}

	private ProductDetail loadDetail(UUID id) {
		CatalogRepository.DetailRow row = this.catalog.detail(id).orElseThrow(() -> new ProductNotFoundException(id));
		ProductSummary s = row.summary();
		List<Plan> plans = (row.plansJson() != null) ? STORED_JSON.readValue(row.plansJson(), PLANS) : List.of();
		return new ProductDetail(s.id(), s.title(), s.category(), s.sellerId(), s.sellerName(), s.imageUrl(),
				s.minPrice(), s.currency(), s.viewCount(), s.subscriberCount(), s.publishedAt(), row.description(),
				plans, row.terms(), row.termsVersion(), row.updatedAt());
	}

	List<CategoryCount> categories() {
		return this.cache.get("categories", CATEGORIES, () -> {
			Map<Category, Long> counts = this.catalog.countsByCategory();
			return Arrays.stream(Category.values())
				.map((category) -> new CategoryCount(category.name(), category.displayName(),
						counts.getOrDefault(category, 0L)))
				.toList();
		});
	}

}
