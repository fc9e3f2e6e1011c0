package com.moa.search.popular;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.moa.search.SearchProperties;
import com.moa.search.popular.PopularKeywords.Popular;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Popular keywords are asked for by every app start: each answer is reused for
 * {@code moa.search.popular-cache} (5 s), and served stale when MongoDB cannot answer.
 * Hand-written (a map of a few entries) because Spring's cache abstraction has no "serve
 * the last value when the loader fails".
 */
@Component
class PopularCache {

	private static final Logger log = LoggerFactory.getLogger(PopularCache.class);

	private final Map<String, Cached> answers = new ConcurrentHashMap<>();

	private final Duration freshFor;

	private final Clock clock;

	PopularCache(SearchProperties properties, Clock clock) {
		this.freshFor = properties.popularCache();
		this.clock = clock;
	}

	List<Popular> get(String key, Supplier<List<Popular>> loader) {
		Instant now = this.clock.instant();
		Cached cached = this.answers.get(key);
		if (cached != null && cached.at().plus(this.freshFor).isAfter(now)) {
			return cached.answer();
		}
		try {
			List<Popular> answer = loader.get();
			this.answers.put(key, new Cached(answer, now));
			return answer;
		}
		catch (DataAccessException ex) {
			if (cached == null) {
				throw ex;
			}
			log.warn("MongoDB unavailable ({}): serving popular keywords from {}", ex.getMessage(), cached.at());
			return cached.answer();
		}
	}

	void clear() {
		this.answers.clear();
	}

	private record Cached(List<Popular> answer, Instant at) {
	}

}
