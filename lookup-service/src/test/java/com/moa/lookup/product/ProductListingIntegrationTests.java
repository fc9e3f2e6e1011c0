package com.moa.lookup.product;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.jayway.jsonpath.JsonPath;
import com.moa.lookup.LookupIntegrationTestSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/products}: only published products, each sort key, category filter,
 * case-insensitive search in Korean and English, and parameter validation. Each test
 * narrows the listing to its own products with a unique search token.
 */
class ProductListingIntegrationTests extends LookupIntegrationTestSupport {

	@Test
	void sortsByNewestByDefaultAndByPriceBothWays() {
		String token = uniqueToken();
		Instant now = Instant.now();
		Product cheapOld = product(token + " cheap").price("1000").publishedAt(now.minus(3, ChronoUnit.HOURS));
		Product dearMiddle = product(token + " dear").price("30000").publishedAt(now.minus(2, ChronoUnit.HOURS));
		Product midNew = product(token + " mid").price("15000").publishedAt(now.minus(1, ChronoUnit.HOURS));
		publishAndAwait(cheapOld, dearMiddle, midNew);

		assertThat(ids("/api/products?q=" + token)).containsExactly(midNew.id, dearMiddle.id, cheapOld.id);
		assertThat(ids("/api/products?sort=newest&q=" + token)).containsExactly(midNew.id, dearMiddle.id, cheapOld.id);
		assertThat(ids("/api/products?sort=price_asc&q=" + token)).containsExactly(cheapOld.id, midNew.id,
				dearMiddle.id);
		assertThat(ids("/api/products?sort=price_desc&q=" + token)).containsExactly(dearMiddle.id, midNew.id,
				cheapOld.id);
	}

	@Test
	void sortsByViewCountForPopular() {
		String token = uniqueToken();
		Product few = product(token + " few");
		Product many = product(token + " many");
		Product none = product(token + " none");
		// Each has one view already: the test client's while awaiting it.
		publishAndAwait(few, many, none);
		viewByNewVisitor(few.id);
		for (int i = 0; i < 3; i++) {
			viewByNewVisitor(many.id);
		}
		awaitFlushedViewCount(few.id, 2);
		awaitFlushedViewCount(many.id, 4);

		assertThat(ids("/api/products?sort=popular&q=" + token)).containsExactly(many.id, few.id, none.id);
		assertThat(get("/api/products?sort=popular&q=" + token)).bodyJson()
			.extractingPath("$.content[0].viewCount")
			.isEqualTo(4);
	}

	@Test
	void filtersByCategory() {
		String token = uniqueToken();
		Product book = product(token + " book").category("BOOKS");
		Product pet = product(token + " pet").category("PET");
		publishAndAwait(book, pet);

		assertThat(ids("/api/products?category=BOOKS&q=" + token)).containsExactly(book.id);
		assertThat(ids("/api/products?category=PET&q=" + token)).containsExactly(pet.id);
	}

	@Test
	void listsOnlyPublishedProducts() {
		String token = uniqueToken();
		Product published = product(token + " published");
		Product draft = product(token + " draft").status("DRAFT");
		publishAndAwait(published);
		awaitConsumed(publishUpserted(draft));

		assertThat(ids("/api/products?q=" + token)).containsExactly(published.id);
		assertThat(get("/api/products/" + draft.id)).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void searchFindsOneAndTwoCharacterWords() {
		// Two random Hangul syllables: a word no other test uses. Such short words have
		// no trigram and are served by the gram index (V3).
		java.util.Random random = new java.util.Random();
		String word = new String(
				new char[] { (char) (0xAC00 + random.nextInt(11172)), (char) (0xAC00 + random.nextInt(11172)) });
		Product inTitle = product("요가 " + word + " 매트");
		Product inDescription = product("필라테스 " + uniqueToken()).description("매일 " + word + "!");
		Product split = product(word.charAt(0) + " " + word.charAt(1) + " " + uniqueToken());
		publishAndAwait(inTitle, inDescription, split);

		assertThat(ids("/api/products?size=100&q=" + word)).containsExactlyInAnyOrder(inTitle.id, inDescription.id);
		assertThat(get("/api/products?size=100&q=" + word)).bodyJson().extractingPath("$.totalElements").isEqualTo(2);
		assertThat(ids("/api/products?size=100&q=" + word.charAt(1))).contains(inTitle.id, inDescription.id, split.id);
	}

	/** Searches without a letter or digit find what contains them, like any other. */
	@Test
	void searchFindsPunctuationAndEmoji() {
		String token = uniqueToken();
		Product shouting = product("Sale " + token).description("오늘만?!?! 🎁🎁🎁 모아");
		Product quiet = product("Plain " + token);
		publishAndAwait(shouting, quiet);

		assertThat(ids("/api/products?size=100&q=?!?!")).contains(shouting.id).doesNotContain(quiet.id);
		assertThat(ids("/api/products?size=100&q=🎁🎁🎁 모")).contains(shouting.id).doesNotContain(quiet.id);
		assertThat(ids("/api/products?size=100&q=! 🎁")).contains(shouting.id).doesNotContain(quiet.id);
	}

	@Test
	void searchMatchesKoreanAndEnglishCaseInsensitivelyInTitleAndDescription() {
		String token = uniqueToken();
		Product korean = product("신선한 밀키트 " + token);
		Product english = product("Weekly COFFEE beans " + token);
		Product byDescription = product("Plain title " + token).description("원두 구독 서비스, Fresh Roasted");
		publishAndAwait(korean, english, byDescription);

		assertThat(ids("/api/products?q=밀키트")).contains(korean.id).doesNotContain(english.id);
		assertThat(ids("/api/products?q=coffee")).contains(english.id).doesNotContain(korean.id);
		assertThat(ids("/api/products?q=Coffee Beans")).contains(english.id);
		assertThat(ids("/api/products?q=fresh roasted")).contains(byDescription.id);
		assertThat(ids("/api/products?q=원두")).contains(byDescription.id);
		assertThat(ids("/api/products?q=" + token.toUpperCase())).containsExactlyInAnyOrder(korean.id, english.id,
				byDescription.id);
	}

	/**
	 * Korean arrives precomposed (NFC: phones, most keyboards) or as separate jamo (NFD:
	 * text pasted from macOS file names); either form of q finds either form of title or
	 * description, on the gram path (two syllables) and the trigram path (four), while
	 * the stored text is returned exactly as the seller wrote it.
	 */
	@Test
	void searchMatchesTextWhateverItsUnicodeForm() {
		String shortWord = randomHangul(2);
		String longWord = randomHangul(4);
		Product decomposedTitle = product(nfd("요가 " + shortWord + " " + longWord + " 매트"));
		Product decomposedDescription = product("필라테스 " + uniqueToken())
			.description(nfd("매일 " + longWord + "와 " + shortWord + "!\n두 번째 줄"));
		Product composedTitle = product("홈트 " + shortWord + " " + longWord);
		String token = uniqueToken();
		// Latin letters with accents decompose too; the match stays case-insensitive.
		Product decomposedLatin = product(nfd("Café Crème " + token));
		publishAndAwait(decomposedTitle, decomposedDescription, composedTitle, decomposedLatin);
		// The precondition: the seller's text was stored decomposed.
		assertThat(storedTitle(decomposedTitle.id)).isEqualTo(decomposedTitle.title)
			.isNotEqualTo(Normalizer.normalize(decomposedTitle.title, Normalizer.Form.NFC));

		// Soft: every form and path is reported, not only the first that fails.
		SoftAssertions.assertSoftly((softly) -> {
			for (String q : List.of(shortWord, nfd(shortWord), longWord, nfd(longWord))) {
				MvcTestResult found = get("/api/products?size=100&q=" + q);
				softly.assertThat(ids(found))
					.as("q=%s (%d chars)", q, q.length())
					.containsExactlyInAnyOrder(decomposedTitle.id, decomposedDescription.id, composedTitle.id);
				// Byte for byte as stored: matching normalizes, the response does not.
				softly
					.assertThat(JsonPath.<List<String>>read(body(found),
							"$.content[?(@.id == '" + decomposedTitle.id + "')].title"))
					.as("title listed for q=%s", q)
					.containsExactly(decomposedTitle.title);
			}
			softly.assertThat(ids("/api/products?q=CAFÉ crème " + token))
				.as("composed q")
				.containsExactly(decomposedLatin.id);
			softly.assertThat(ids("/api/products?q=" + nfd("café CRÈME ") + token))
				.as("decomposed q")
				.containsExactly(decomposedLatin.id);
		});
		assertThat(get("/api/products/" + decomposedDescription.id)).bodyJson()
			.extractingPath("$.description")
			.isEqualTo(decomposedDescription.description);
		// Title and description are matched apart: q never spans the two.
		assertThat(ids("/api/products?size=100&q=" + decomposedDescription.title + " 매일")).isEmpty();

		// A renamed product is found by its new title only (the columns follow every
		// write).
		String renamed = randomHangul(4);
		publishAndAwait(decomposedTitle.title(nfd("요가 " + renamed)).version(2));
		// (Within the response cache's half second of local reuse.)
		await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
			assertThat(ids("/api/products?size=100&q=" + renamed)).containsExactly(decomposedTitle.id);
			assertThat(ids("/api/products?size=100&q=" + longWord)).containsExactlyInAnyOrder(decomposedDescription.id,
					composedTitle.id);
		});
	}

	/**
	 * q has its whitespace collapsed to single spaces, and so does the text it is matched
	 * against: a title with two spaces or a no-break space (pasted from the web), or a
	 * description with line breaks and ideographic spaces, is found by "yoga mat", and a
	 * title pasted into search finds itself.
	 */
	@Test
	void searchMatchesTextWhateverItsWhitespace() {
		String token = uniqueToken();
		Product twoSpaces = product("Yoga  Mat " + token);
		Product noBreakSpace = product("Yoga\u00A0Mat " + token);
		Product inDescription = product("Other " + token).description("About it:\n\nyoga\u3000\u3000mat " + token);
		publishAndAwait(twoSpaces, noBreakSpace, inDescription);

		assertThat(ids("/api/products?size=100&q=yoga mat " + token)).containsExactlyInAnyOrder(twoSpaces.id,
				noBreakSpace.id, inDescription.id);
		assertThat(ids("/api/products?size=100&q=" + twoSpaces.title)).containsExactlyInAnyOrder(twoSpaces.id,
				noBreakSpace.id, inDescription.id);
		assertThat(get("/api/products/" + noBreakSpace.id)).bodyJson()
			.extractingPath("$.title")
			.isEqualTo(noBreakSpace.title);
	}

	/**
	 * API.md lists {@code sellerName} and {@code imageUrl} in every product: unknown,
	 * they are {@code null}, not missing keys (a client validating the shape refuses
	 * those).
	 */
	@Test
	void unknownSellerNameAndImageAreNullNotMissing() {
		String token = uniqueToken();
		Product bare = product("Bare " + token);
		ObjectNode data = bare.toJson(this.jsonMapper);
		data.remove("imageUrl");
		data.putNull("sellerName");
		send(envelope("product.upserted", bare.id, data));
		awaitVisible(bare.id, bare.title);

		JsonNode listed = this.jsonMapper.readTree(body(get("/api/products?q=" + token))).get("content").get(0);
		JsonNode detail = this.jsonMapper.readTree(body(get("/api/products/" + bare.id)));
		for (JsonNode product : List.of(listed, detail)) {
			assertThat(product.has("sellerName") && product.get("sellerName").isNull()).as(product.toString()).isTrue();
			assertThat(product.has("imageUrl") && product.get("imageUrl").isNull()).as(product.toString()).isTrue();
		}
	}

	@Test
	void searchTreatsPercentAndUnderscoreLiterally() {
		String token = uniqueToken();
		Product percent = product("100% organic " + token);
		Product plain = product("1000 organic " + token);
		Product underscore = product("snake_case " + token);
		Product notUnderscore = product("snakeXcase " + token);
		publishAndAwait(percent, plain, underscore, notUnderscore);

		assertThat(ids(this.mvc.get().uri("/api/products").param("q", "100%").exchange())).contains(percent.id)
			.doesNotContain(plain.id);
		assertThat(ids("/api/products?q=snake_case")).contains(underscore.id).doesNotContain(notUnderscore.id);
	}

	@Test
	void pagesCarryTotals() {
		String token = uniqueToken();
		publishAndAwait(product(token + " a"), product(token + " b"), product(token + " c"));

		MvcTestResult second = get("/api/products?page=1&size=2&q=" + token);
		assertThat(second).hasStatus(HttpStatus.OK);
		assertThat(second).bodyJson().extractingPath("$.page").isEqualTo(1);
		assertThat(second).bodyJson().extractingPath("$.size").isEqualTo(2);
		assertThat(second).bodyJson().extractingPath("$.totalElements").isEqualTo(3);
		assertThat(second).bodyJson().extractingPath("$.totalPages").isEqualTo(2);
		assertThat(second).bodyJson().extractingPath("$.content.length()").isEqualTo(1);
	}

	@Test
	void rejectsSizeOutsideOneToHundredAndUnknownSortOrCategory() {
		assertThat(get("/api/products?size=0")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get("/api/products?size=101")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get("/api/products?page=-1")).hasStatus(HttpStatus.BAD_REQUEST);
		MvcTestResult badSort = get("/api/products?sort=cheapest");
		assertThat(badSort).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(badSort).bodyJson().extractingPath("$.errors[0].field").isEqualTo("sort");
		assertThat(get("/api/products?category=WEAPONS")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get("/api/products?size=100")).hasStatus(HttpStatus.OK);
	}

	@Test
	void catalogIsPublicButASentTokenIsStillVerified() {
		assertThat(get("/api/products")).hasStatus(HttpStatus.OK);
		assertThat(get("/api/categories")).hasStatus(HttpStatus.OK);
		assertThat(this.mvc.get().uri("/api/products").header("Authorization", "Bearer not-a-jwt").exchange())
			.hasStatus(HttpStatus.UNAUTHORIZED);
	}

	private String storedTitle(UUID id) {
		return this.jdbc.sql("SELECT title FROM catalog_products WHERE id = ?").param(id).query(String.class).single();
	}

	/** Random Hangul syllables: a word no other test uses. */
	private static String randomHangul(int syllables) {
		StringBuilder word = new StringBuilder();
		for (int i = 0; i < syllables; i++) {
			word.append((char) (0xAC00 + ThreadLocalRandom.current().nextInt(11172)));
		}
		return word.toString();
	}

	private static String nfd(String text) {
		return Normalizer.normalize(text, Normalizer.Form.NFD);
	}

	private List<UUID> ids(String uri) {
		return ids(get(uri));
	}

	private List<UUID> ids(MvcTestResult result) {
		assertThat(result).hasStatus(HttpStatus.OK);
		List<String> ids = read(result, "$.content[*].id");
		return ids.stream().map(UUID::fromString).toList();
	}

	@Test
	void requestIdIsTheTraceIdContinuedFromTraceparent() {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		assertThat(this.mvc.get()
			.uri("/api/products")
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.header("X-Request-Id", "client-chosen")
			.exchange()).hasStatusOk().hasHeader("X-Request-Id", traceId);
		// Without one, a new trace (whatever the sampling decision) and its id.
		assertThat(this.mvc.get().uri("/api/products").exchange().getResponse().getHeader("X-Request-Id"))
			.matches("[0-9a-f]{32}")
			.isNotEqualTo(traceId);
	}

}
