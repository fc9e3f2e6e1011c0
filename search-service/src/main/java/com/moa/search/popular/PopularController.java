package com.moa.search.popular;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.search.QueryCache;
import com.moa.search.SearchProperties;
import com.moa.search.popular.PopularKeywords.Popular;
import com.moa.search.popular.PopularKeywords.Window;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/search/popular?window=24h|7d&limit=10} (public). Every app start asks
 * for it: answers are reused for {@code moa.search.popular-cache} (5 s) and served from
 * the last answer while MongoDB is away ({@link QueryCache}).
 */
@RestController
@Validated
class PopularController {

	private static final int MAX_LIMIT = 50;

	// One answer per window, of the largest limit, cut to the one asked for: per limit, a
	// client cycling 1..50 made 50 aggregations of the same window.
	private final QueryCache<Window, List<Popular>> answers;

	PopularController(PopularKeywords popular, SearchProperties properties, Clock clock) {
		// Kept a day: served while MongoDB is away.
		this.answers = new QueryCache<>(clock, properties.popularCache(), Duration.ofDays(1), 10,
				(window) -> popular.top(window, MAX_LIMIT));
	}

	@GetMapping("/api/search/popular")
	List<Popular> popular(@RequestParam(defaultValue = "24h") String window,
			@RequestParam(defaultValue = "10") @Min(1) @Max(MAX_LIMIT) int limit) {
		Window chosen = Window.of(window);
		if (chosen == null) {
			throw new InvalidInputException(List.of(new FieldError("window", "must be 24h or 7d")));
		}
		List<Popular> top = this.answers.get(chosen);
		return top.subList(0, Math.min(limit, top.size()));
	}

	void clearCache() {
		this.answers.clear();
	}

}
