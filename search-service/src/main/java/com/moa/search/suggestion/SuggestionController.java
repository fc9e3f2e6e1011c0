package com.moa.search.suggestion;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.Keywords;
import com.moa.search.QueryCache;
import com.moa.search.SearchProperties;
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
 * decomposition). Answers are reused for {@code moa.search.suggestion-cache} (10 s).
 */
@RestController
@Validated
class SuggestionController {

	private final PopularKeywords popular;

	private final ProductTitles titles;

	private static final int MAX_LIMIT = 50;

	// One answer per prefix, of the largest limit, cut to the one asked for (per limit,
	// each prefix could cost 50 queries).
	private final QueryCache<String, List<String>> answers;

	SuggestionController(PopularKeywords popular, ProductTitles titles, SearchProperties properties, Clock clock) {
		this.popular = popular;
		this.titles = titles;
		// Asked on every keystroke, the same short prefixes by everyone.
		this.answers = new QueryCache<>(clock, properties.suggestionCache(), Duration.ofMinutes(10), 10_000,
				(prefix) -> suggest(prefix, MAX_LIMIT));
	}

	@GetMapping("/api/search/suggestions")
	List<String> suggestions(@RequestParam String prefix,
			@RequestParam(defaultValue = "10") @Min(1) @Max(MAX_LIMIT) int limit) {
		String normalized = Keywords.normalize(prefix);
		if (!Keywords.isValid(normalized)) {
			throw new InvalidInputException(List.of(new FieldError("prefix", "must be 1 to 100 characters")));
		}
		List<String> suggestions = this.answers.get(normalized);
		return suggestions.subList(0, Math.min(limit, suggestions.size()));
	}

	private List<String> suggest(String prefix, int limit) {
		Set<String> seen = new LinkedHashSet<>();
		List<String> suggestions = new ArrayList<>();
		this.popular.startingWith(prefix, limit).forEach((keyword) -> add(keyword.keyword(), seen, suggestions));
		if (suggestions.size() < limit) {
			this.titles.startingWith(prefix, limit).forEach((title) -> add(title, seen, suggestions));
		}
		return List.copyOf(suggestions.subList(0, Math.min(limit, suggestions.size())));
	}

	void clearCache() {
		this.answers.clear();
	}

	private static void add(String suggestion, Set<String> seen, List<String> suggestions) {
		if (seen.add(Keywords.normalize(suggestion))) {
			suggestions.add(suggestion);
		}
	}

}
