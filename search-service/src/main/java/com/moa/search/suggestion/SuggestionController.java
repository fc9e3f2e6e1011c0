package com.moa.search.suggestion;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.Keywords;
import com.moa.search.popular.PopularKeywords;
import com.moa.search.product.ProductTitles;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/search/suggestions?prefix=&limit=10} (public): keywords people searched
 * in the last 7 days that start with the prefix, most searched first, then titles of
 * published products that start with it; each once. Matching is on normalized text by
 * whole characters: "요" suggests "요가" (a Hangul syllable prefix), "ㅇ" does not (no jamo
 * decomposition).
 */
@RestController
@Validated
class SuggestionController {

	private final PopularKeywords popular;

	private final ProductTitles titles;

	SuggestionController(PopularKeywords popular, ProductTitles titles) {
		this.popular = popular;
		this.titles = titles;
	}

	@GetMapping("/api/search/suggestions")
	List<String> suggestions(@RequestParam String prefix,
			@RequestParam(defaultValue = "10") @Min(1) @Max(50) int limit) {
		String normalized = Keywords.normalize(prefix);
		if (!Keywords.isValid(normalized)) {
			throw new InvalidInputException(List.of(new FieldError("prefix", "must be 1 to 100 characters")));
		}
		Set<String> seen = new LinkedHashSet<>();
		List<String> suggestions = new ArrayList<>();
		this.popular.startingWith(normalized, limit).forEach((keyword) -> add(keyword.keyword(), seen, suggestions));
		if (suggestions.size() < limit) {
			this.titles.startingWith(normalized, limit).forEach((title) -> add(title, seen, suggestions));
		}
		return suggestions.subList(0, Math.min(limit, suggestions.size()));
	}

	private static void add(String suggestion, Set<String> seen, List<String> suggestions) {
		if (seen.add(Keywords.normalize(suggestion))) {
			suggestions.add(suggestion);
		}
	}

}
