package com.moa.lookup.product;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.moa.platform.web.PageQuery;
import com.moa.platform.web.PageResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public catalog: {@code GET /api/products…} and {@code GET /api/categories}.
 */
@RestController
class ProductController {

	private final ProductQueries queries;

	ProductController(ProductQueries queries) {
		this.queries = queries;
	}

	@GetMapping("/api/products")
	PageResponse<ProductSummary> list(@Valid PageQuery page, @RequestParam(required = false) String category,
			@RequestParam(required = false) String sort, @RequestParam(required = false) String q) {
		Optional<String> query = Optional.ofNullable(q).map(String::trim).filter((value) -> !value.isEmpty());
		return this.queries.page(Category.fromParameter(category), query, ProductSort.fromParameter(sort),
				page.pageOrDefault(), page.sizeOrDefault());
	}

	@GetMapping("/api/products/feed")
	ProductFeed feed(@RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
			@RequestParam(required = false) String category) {
		Optional<FeedCursor> after = Optional.ofNullable(cursor)
			.filter((value) -> !value.isBlank())
			.map(FeedCursor::decode);
		return this.queries.feed(Category.fromParameter(category), after, size);
	}

	@GetMapping("/api/products/{id}")
	ProductDetail detail(@PathVariable UUID id) {
		return this.queries.detail(id);
	}

	@GetMapping("/api/categories")
	List<CategoryCount> categories() {
		return this.queries.categories();
	}

}
