package com.moa.search.history;

import java.text.Normalizer;
import java.time.Instant;
import java.util.List;

import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.Keywords;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own search history and its setting (API.md "Search history"). */
@RestController
@RequestMapping("/api/search/history")
@Validated
class HistoryController {

	private final SearchHistory history;

	private final SearchSettings settings;

	HistoryController(SearchHistory history, SearchSettings settings) {
		this.history = history;
		this.settings = settings;
	}

	@GetMapping
	List<HistoryEntry> list(@AuthenticationPrincipal AuthenticatedUser user,
			@RequestParam(defaultValue = "10") @Min(1) @Max(50) int limit) {
		return this.history.list(user.id(), limit)
			.stream()
			.map((entry) -> new HistoryEntry(entry.keyword(), entry.searchedAt()))
			.toList();
	}

	/**
	 * The keyword is matched after normalization; deleting one that is not there is fine.
	 */
	@DeleteMapping("/{keyword}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable String keyword) {
		deleteKeyword(user, keyword);
	}

	/**
	 * The same as a query parameter (an addition to API.md): a keyword with {@code /},
	 * {@code %}, {@code ;} or a backslash, or one that is {@code ..}, cannot be a path
	 * segment (Tomcat and Spring Security's firewall refuse those encodings, and should).
	 */
	@DeleteMapping(params = "keyword")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void deleteByParameter(@AuthenticationPrincipal AuthenticatedUser user, @RequestParam String keyword) {
		deleteKeyword(user, keyword);
	}

	private void deleteKeyword(AuthenticatedUser user, String keyword) {
		String normalized = Keywords.normalize(keyword);
		if (!Keywords.isValid(normalized)) {
			throw new InvalidInputException(List.of(new FieldError("keyword", "must be 1 to 100 characters")));
		}
		this.history.delete(user.id(), normalized);
		if (!keyword.equals(normalized) && Normalizer.normalize(keyword, Normalizer.Form.NFC).equals(normalized)) {
			// Stored before Keywords composed after lower-casing, and shown as stored:
			// the
			// entry's id is the uncomposed form (remove when those entries have aged
			// out).
			this.history.delete(user.id(), keyword);
		}
	}

	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void deleteAll(@AuthenticationPrincipal AuthenticatedUser user) {
		this.history.deleteAll(user.id());
	}

	@GetMapping("/settings")
	Settings settings(@AuthenticationPrincipal AuthenticatedUser user) {
		return new Settings(this.settings.recording(user.id()));
	}

	@PutMapping("/settings")
	Settings updateSettings(@AuthenticationPrincipal AuthenticatedUser user, @Valid @RequestBody Settings request) {
		this.settings.setRecording(user.id(), request.enabled());
		return new Settings(request.enabled());
	}

	/** One entry, as API.md shows it. */
	record HistoryEntry(String keyword, Instant searchedAt) {
	}

	/**
	 * @param enabled whether searches are recorded
	 */
	record Settings(@NotNull Boolean enabled) {
	}

}
