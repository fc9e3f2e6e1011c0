package com.moa.lookup.product;

import java.util.Locale;

/**
 * Orders of the offset-paged listing. Each ends with {@code published_at DESC, id DESC}
 * so pages are deterministic when the leading key ties.
 */
enum ProductSort {

	NEWEST("published_at DESC, id DESC"), POPULAR("view_count DESC, published_at DESC, id DESC"),
	PRICE_ASC("min_price ASC, published_at DESC, id DESC"), PRICE_DESC("min_price DESC, published_at DESC, id DESC");

	private final String orderBy;

	ProductSort(String orderBy) {
		this.orderBy = orderBy;
	}

	/** A fixed SQL ORDER BY list: never built from user input. */
	String orderBy() {
		return this.orderBy;
	}

	/**
	 * The sort named by {@code ?sort=}; {@link #NEWEST} when absent.
	 * @throws InvalidParameterException for an unknown value
	 */
	static ProductSort fromParameter(String value) {
		if (value == null || value.isBlank()) {
			return NEWEST;
		}
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidParameterException("sort",
					"unknown sort '" + value + "'; use newest, popular, price_asc or price_desc");
		}
	}

}
