package com.moa.search.popular;

import java.util.List;

import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.search.popular.PopularKeywords.Popular;
import com.moa.search.popular.PopularKeywords.Window;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/search/popular?window=24h|7d&limit=10} (public). */
@RestController
@Validated
class PopularController {

	private final PopularKeywords popular;

	private final PopularCache cache;

	PopularController(PopularKeywords popular, PopularCache cache) {
		this.popular = popular;
		this.cache = cache;
	}

	@GetMapping("/api/search/popular")
	List<Popular> popular(@RequestParam(defaultValue = "24h") String window,
			@RequestParam(defaultValue = "10") @Min(1) @Max(50) int limit) {
		Window chosen = Window.of(window);
		if (chosen == null) {
			throw new InvalidInputException(List.of(new FieldError("window", "must be 24h or 7d")));
		}
		return this.cache.get(chosen.value() + ":" + limit, () -> this.popular.top(chosen, limit));
	}

}
