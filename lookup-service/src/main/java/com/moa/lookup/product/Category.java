package com.moa.lookup.product;

import java.util.Locale;
import java.util.Optional;

/**
 * The fixed product categories, with their Korean display names. seller-service validates
 * products against the same codes.
 */
enum Category {

	MEAL_KIT("밀키트"), STREAMING("스트리밍"), BEAUTY("뷰티"), BOOKS("도서"), FITNESS("피트니스"), PET("반려동물"), SOFTWARE("소프트웨어"),
	LIFESTYLE("라이프스타일");

	private final String displayName;

	Category(String displayName) {
		this.displayName = displayName;
	}

	String displayName() {
		return this.displayName;
	}

	/**
	 * The category named by a request parameter; empty for none.
	 * @throws InvalidParameterException for an unknown code
	 */
	static Optional<Category> fromParameter(String value) {
		if (value == null || value.isBlank()) {
			return Optional.empty();
		}
		try {
			return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidParameterException("category", "unknown category '" + value + "'");
		}
	}

}
