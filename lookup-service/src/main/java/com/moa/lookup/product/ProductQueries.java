package com.moa.lookup.product;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.moa.platform.web.PageResponse;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * The catalog's read use cases: offset pages, the keyset feed, detail and categories.
 */
@Service
class ProductQueries {

	private static final TypeReference<List<Plan>> PLANS = new TypeReference<>() {
	};

	private final CatalogRepository catalog;

	private final JsonMapper jsonMapper;

	ProductQueries(CatalogRepository catalog, JsonMapper jsonMapper) {
		this.catalog = catalog;
		this.jsonMapper = jsonMapper;
	}

	PageResponse<ProductSummary> page(Optional<Category> category, Optional<String> query, ProductSort sort, int page,
			int size) {
		long total = this.catalog.count(category, query);
		List<ProductSummary> content = ((long) page * size < total)
				? this.catalog.page(category, query, sort, size, (long) page * size) : List.of();
		return PageResponse.of(content, page, size, total);
	}

	ProductFeed feed(Optional<Category> category, Optional<FeedCursor> after, int size) {
		// One extra row tells whether another page exists without a count query.
		List<ProductSummary> rows = new ArrayList<>(this.catalog.feed(category, after, size + 1));
		if (rows.size() <= size) {
			return new ProductFeed(rows, null);
		}
		List<ProductSummary> items = rows.subList(0, size);
		ProductSummary last = items.get(size - 1);
		return new ProductFeed(List.copyOf(items), new FeedCursor(last.publishedAt(), last.id()).encode());
	}

	ProductDetail detail(UUID id) {
		CatalogRepository.DetailRow row = this.catalog.detail(id).orElseThrow(() -> new ProductNotFoundException(id));
		ProductSummary s = row.summary();
		List<Plan> plans = (row.plansJson() != null) ? this.jsonMapper.readValue(row.plansJson(), PLANS) : List.of();
		return new ProductDetail(s.id(), s.title(), s.category(), s.sellerId(), s.sellerName(), s.imageUrl(),
				s.minPrice(), s.currency(), s.viewCount(), s.subscriberCount(), s.publishedAt(), row.description(),
				plans, row.terms(), row.termsVersion(), row.updatedAt());
	}

	List<CategoryCount> categories() {
		Map<Category, Long> counts = this.catalog.countsByCategory();
		return java.util.Arrays.stream(Category.values())
			.map((category) -> new CategoryCount(category.name(), category.displayName(),
					counts.getOrDefault(category, 0L)))
			.toList();
	}

}
