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
 * Responses come from {@link ResponseCache} when they can; the view counts in them are
 * then replaced by the live ones from {@link ViewCounter}, so a cached page never shows
 * an old count.
 */
@Service
class ProductQueries {

	private static final TypeReference<List<Plan>> PLANS = new TypeReference<>() {
	};

	private static final TypeReference<PageResponse<ProductSummary>> PAGE = new TypeReference<>() {
	};

	private static final TypeReference<ProductFeed> FEED = new TypeReference<>() {
	};

	private static final TypeReference<ProductDetail> DETAIL = new TypeReference<>() {
	};

	private static final TypeReference<List<CategoryCount>> CATEGORIES = new TypeReference<>() {
	};

	private final CatalogRepository catalog;

	private final ResponseCache cache;

	private final ViewCounter views;

	private final JsonMapper jsonMapper;

	private final Duration popularTtl;

	ProductQueries(CatalogRepository catalog, ResponseCache cache, ViewCounter views, JsonMapper jsonMapper,
			LookupProperties properties) {
		this.catalog = catalog;
		this.cache = cache;
		this.views = views;
		this.jsonMapper = jsonMapper;
		this.popularTtl = properties.cache().popularTtl();
	}

	PageResponse<ProductSummary> page(Optional<Category> category, Optional<String> query, ProductSort sort, int page,
			int size) {
		String key = "page:" + sort + ":" + category.map(Enum::name).orElse("") + ":" + page + ":" + size + ":"
				+ query.map((q) -> URLEncoder.encode(q, StandardCharsets.UTF_8)).orElse("");
		PageResponse<ProductSummary> result = (sort == ProductSort.POPULAR)
				? this.cache.get(key, this.popularTtl, PAGE, () -> loadPage(category, query, sort, page, size))
				: this.cache.get(key, PAGE, () -> loadPage(category, query, sort, page, size));
		return new PageResponse<>(withCurrentViewCounts(result.content()), result.page(), result.size(),
				result.totalElements(), result.totalPages());
	}

	private PageResponse<ProductSummary> loadPage(Optional<Category> category, Optional<String> query, ProductSort sort,
			int page, int size) {
		long total = this.catalog.count(category, query);
		List<ProductSummary> content = ((long) page * size < total)
				? this.catalog.page(category, query, sort, size, (long) page * size) : List.of();
		return PageResponse.of(content, page, size, total);
	}

	ProductFeed feed(Optional<Category> category, Optional<FeedCursor> after, int size) {
		String key = "feed:" + category.map(Enum::name).orElse("") + ":" + size + ":"
				+ after.map(FeedCursor::encode).orElse("");
		ProductFeed feed = this.cache.get(key, FEED, () -> loadFeed(category, after, size));
		return new ProductFeed(withCurrentViewCounts(feed.items()), feed.nextCursor());
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
		List<Plan> plans = (row.plansJson() != null) ? this.jsonMapper.readValue(row.plansJson(), PLANS) : List.of();
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

	private List<ProductSummary> withCurrentViewCounts(List<ProductSummary> products) {
		Map<UUID, Long> totals = this.views.totals(products.stream().map(ProductSummary::id).toList());
		if (totals.isEmpty()) {
			return products;
		}
		return products.stream()
			.map((product) -> product
				.withViewCount(Math.max(product.viewCount(), totals.getOrDefault(product.id(), 0L))))
			.toList();
	}

}
