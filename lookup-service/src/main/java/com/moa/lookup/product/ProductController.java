package com.moa.lookup.product;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.moa.lookup.LookupProperties;
import com.moa.lookup.search.SearchEvents;
import com.moa.lookup.view.ViewCounter;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.web.PageQuery;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public catalog: {@code GET /api/products…} and {@code GET /api/categories}.
 */
@RestController
class ProductController {

	static final String VIEWER_COOKIE = "moa_vid";

	private static final Duration VIEWER_COOKIE_AGE = Duration.ofDays(365);

	/** The longest a product title (100 UTF-16 units) normalizes to. */
	static final int MAX_QUERY_LENGTH = 3 * SearchEvents.MAX_KEYWORD_LENGTH;

	private final ProductQueries queries;

	private final ViewCounter views;

	private final SearchEvents searches;

	private final boolean secureCookie;

	ProductController(ProductQueries queries, ViewCounter views, SearchEvents searches, LookupProperties properties) {
		this.queries = queries;
		this.views = views;
		this.searches = searches;
		this.secureCookie = properties.views().cookieSecure();
	}

	@GetMapping("/api/products")
	@ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ProductPage.class)))
	ResponseEntity<byte[]> list(@Valid PageQuery page, @RequestParam(required = false) String category,
			@RequestParam(required = false) String sort, @RequestParam(required = false) String q,
			@AuthenticationPrincipal AuthenticatedUser user, HttpServletRequest request) {
		// Normalized like search keywords: " Yoga MAT" finds "yoga mat" (the match is
		// case-insensitive anyway) and shares its cache entry, and so does '요가' typed as
		// jamo (NFD). The limit applies to the normalized form: 100 syllables are
		// accepted
		// however they were typed, and so is any product title (suggestions offer them):
		// one of 100 characters can normalize to up to three times as many ('İ' lowers to
		// two, a Hebrew presentation form composes to three), and was refused. Only a q
		// of
		// a keyword's length is recorded as a search (SearchEvents).
		Optional<String> query = Optional.ofNullable(q)
			.map(SearchEvents::normalize)
			.filter((value) -> !value.isEmpty());
		if (query.isPresent() && query.get().length() > MAX_QUERY_LENGTH) {
			throw new InvalidParameterException("q", "q is longer than " + MAX_QUERY_LENGTH + " characters");
		}
		ListingJson result = this.queries.page(Category.fromParameter(category), query, ProductSort.fromParameter(sort),
				page.pageOrDefault(), page.sizeOrDefault());
		// A HEAD (served by this method) is no search the user made, nor is scrolling its
		// results (each further page counted it again in the popular keywords).
		if (query.isPresent() && user != null && page.pageOrDefault() == 0
				&& !HttpMethod.HEAD.matches(request.getMethod())) {
			this.searches.performed(user.id(), query.get(), result.total());
		}
		return json(this.queries.withCurrentViewCounts(result));
	}

	@GetMapping("/api/products/feed")
	@ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ProductFeed.class)))
	ResponseEntity<byte[]> feed(@RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
			@RequestParam(required = false) String category) {
		Optional<FeedCursor> after = Optional.ofNullable(cursor)
			.filter((value) -> !value.isBlank())
			.map(FeedCursor::decode);
		return json(
				this.queries.withCurrentViewCounts(this.queries.feed(Category.fromParameter(category), after, size)));
	}

	// Listings are written as the cached bytes (ListingJson), not through Jackson again.
	private static ResponseEntity<byte[]> json(byte[] body) {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
	}

	/**
	 * The product, counting one view per viewer per window: the signed-in user, else the
	 * anonymous {@code moa_vid} cookie, which is issued when missing or not one of ours.
	 * A {@code HEAD} (served by this method) shows nothing to anyone and counts nothing.
	 */
	@GetMapping("/api/products/{id}")
	ProductDetail detail(@PathVariable UUID id, @AuthenticationPrincipal AuthenticatedUser user,
			@CookieValue(name = VIEWER_COOKIE, required = false) String viewerCookie, HttpServletRequest request,
			HttpServletResponse response) {
		ProductDetail product = this.queries.detail(id);
		if (HttpMethod.HEAD.matches(request.getMethod())) {
			return product;
		}
		String viewer;
		if (user != null) {
			viewer = "u:" + user.id();
		}
		else {
			UUID visitor = parseVisitor(viewerCookie).orElseGet(() -> issueVisitor(response));
			viewer = "v:" + visitor;
		}
		long count = this.views.count(id, viewer);
		return product.withViewCount(Math.max(product.viewCount(), count));
	}

	@GetMapping("/api/categories")
	List<CategoryCount> categories() {
		return this.queries.categories();
	}

	/**
	 * The listing's shape, for the API document only (the body is {@link ListingJson}).
	 */
	private record ProductPage(List<ProductSummary> content, int page, int size, long totalElements, int totalPages) {
	}

	private static Optional<UUID> parseVisitor(String cookie) {
		try {
			return Optional.ofNullable(cookie).map(UUID::fromString);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private UUID issueVisitor(HttpServletResponse response) {
		UUID visitor = UUID.randomUUID();
		ResponseCookie cookie = ResponseCookie.from(VIEWER_COOKIE, visitor.toString())
			.httpOnly(true)
			.sameSite("Lax")
			.secure(this.secureCookie)
			.path("/")
			.maxAge(VIEWER_COOKIE_AGE)
			.build();
		response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
		return visitor;
	}

}
