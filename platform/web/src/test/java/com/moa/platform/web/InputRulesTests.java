package com.moa.platform.web;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The input rules every servlet service gets from platform/web: text without control
 * characters or broken surrogates wherever it arrives, strict JSON types, a length limit
 * outside the body, and database refusals as 4xx.
 */
@WebMvcTest(properties = "moa.web.max-parameter-length=50")
@Import(InputRulesTests.NoteController.class)
class InputRulesTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void rejectsNulAndControlCharactersInJsonTextNamingTheField() {
		assertField(post("{\"title\":\"a\\u0000b\",\"body\":\"x\",\"tags\":[]}"), "title",
				TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\\u001bb\",\"body\":\"x\",\"tags\":[]}"), "title",
				TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\\u007fb\",\"body\":\"x\",\"tags\":[]}"), "title",
				TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[\"ok\",\"b\\u0000\"]}"), "tags[1]",
				TextRules.CONTROL_CHARACTERS);
	}

	@Test
	void allowsLineBreaksAndTabsOnlyInMultiLineFields() {
		assertThat(post("{\"title\":\"a\",\"body\":\"line 1\\r\\n\\tline 2\",\"tags\":[],\"count\":1,\"amount\":2}"))
			.hasStatusOk()
			.bodyJson()
			.extractingPath("$.body")
			.isEqualTo("line 1\r\n\tline 2");
		assertField(post("{\"title\":\"a\\nb\",\"body\":\"x\",\"tags\":[]}"), "title", TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\",\"body\":\"x\\u0000\",\"tags\":[]}"), "body", TextRules.CONTROL_CHARACTERS);
	}

	/**
	 * C1 controls are never text (some terminals act on them); line and paragraph
	 * separators would show a name or title as two lines. Headers keep Korean, which
	 * Tomcat decodes byte by byte into that range.
	 */
	@Test
	void rejectsC1ControlsAndOneLineTextWithLineSeparators() {
		assertField(post("{\"title\":\"a\\u0085b\",\"body\":\"x\",\"tags\":[]}"), "title",
				TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\",\"body\":\"x\\u009bc\",\"tags\":[]}"), "body", TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\\u2028b\",\"body\":\"x\",\"tags\":[]}"), "title", TextRules.LINE_SEPARATORS);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[\"b\\u2029\"]}"), "tags[0]",
				TextRules.LINE_SEPARATORS);
		assertField(this.mvc.get().uri("/notes/a?q={q}", "x\u0090y").exchange(), "q", TextRules.CONTROL_CHARACTERS);
		assertThat(post("{\"title\":\"a\",\"body\":\"one\\u2028two\",\"tags\":[],\"count\":1,\"amount\":2}"))
			.hasStatusOk()
			.bodyJson()
			.extractingPath("$.body")
			.isEqualTo("one\u2028two");
		// 요가 as UTF-8 bytes, each read as one ISO-8859-1 character, as Tomcat hands a
		// header over: C1 characters among them.
		String latin1 = new String("요가".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
		assertThat(latin1).containsPattern("[\u0080-\u009f]");
		assertThat(this.mvc.get().uri("/notes/a").header("X-Note-Tag", latin1)).hasStatusOk();
	}

	@Test
	void rejectsUnpairedSurrogatesThatTheDatabaseWouldTurnIntoQuestionMarks() {
		assertField(post("{\"title\":\"a\\ud800\",\"body\":\"x\",\"tags\":[]}"), "title", TextRules.UNPAIRED_SURROGATE);
		assertField(post("{\"title\":\"\\udc00a\",\"body\":\"x\",\"tags\":[]}"), "title", TextRules.UNPAIRED_SURROGATE);
	}

	@Test
	void keepsValidUnicodeExactly() {
		String text = "요가 매트 🧘\u200d♀️ e\u0301";
		assertThat(post("{\"title\":\"" + text + "\",\"body\":\"" + text + "\",\"tags\":[\"" + text
				+ "\"],\"count\":1,\"amount\":2}"))
			.hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.title", (title) -> title.assertThat().isEqualTo(text))
			.hasPathSatisfying("$.tags[0]", (tag) -> tag.assertThat().isEqualTo(text));
	}

	@Test
	void refusesJsonValuesOfTheWrongTypeInsteadOfConvertingThem() {
		assertField(post("{\"title\":123,\"body\":\"x\",\"tags\":[]}"), "title", null);
		assertField(post("{\"title\":true,\"body\":\"x\",\"tags\":[]}"), "title", null);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":\"5\"}"), "count", null);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":5.7}"), "count", null);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":null}"), "count", null);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"amount\":1e400}"), "amount", null);
		// Out of long's range: the parser refuses it before any field is known.
		assertThat(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"amount\":99999999999999999999}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":1,\"amount\":2,\"at\":1767225600}"),
				"at", "must be an ISO-8601 string");
		// An enum constant's position is no name: {"role":1} signed up a SELLER.
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":1,\"amount\":2,\"kind\":1}"), "kind",
				null);
		// A key sent twice: which one counts is the reader's guess (the last here, the
		// first for another), so neither is taken.
		assertThat(post("{\"title\":\"a\",\"title\":\"b\",\"body\":\"x\",\"tags\":[]}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(post("{\"title\":{\"a\":1},\"body\":\"x\",\"tags\":[]}")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":\"b\"}")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void rejectsControlCharactersThatEnumTimestampAndUuidReadersWouldTrimAway() {
		assertField(
				post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":1,\"amount\":2,\"kind\":\"SMALL\\u0000\"}"),
				"kind", TextRules.CONTROL_CHARACTERS);
		assertField(post(
				"{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":1,\"amount\":2,\"at\":\"2026-01-01T00:00:00Z\\u0000\"}"),
				"at", TextRules.CONTROL_CHARACTERS);
		assertField(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":1,\"amount\":2,\"ref\":\"\\u0001"
				+ UUID.randomUUID() + "\"}"), "ref", TextRules.CONTROL_CHARACTERS);
		assertThat(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":[],\"count\":1,\"amount\":2,\"kind\":\"SMALL\","
				+ "\"at\":\"2026-01-01T00:00:00Z\"}"))
			.hasStatusOk();
	}

	@Test
	void refusesDeeplyNestedJson() {
		String deep = "[".repeat(5000) + "]".repeat(5000);
		assertThat(post("{\"title\":\"a\",\"body\":\"x\",\"tags\":" + deep + "}")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void rejectsControlCharactersInQueryParametersPathVariablesHeadersAndCookies() {
		assertField(this.mvc.get().uri("/notes/a?q={q}", "x\u0000y").exchange(), "q", TextRules.CONTROL_CHARACTERS);
		assertField(this.mvc.get().uri("/notes/{name}", "a\u0001b").exchange(), "name", TextRules.CONTROL_CHARACTERS);
		assertField(this.mvc.get().uri("/notes/a").header("X-Note-Tag", "a\u0007b").exchange(), "X-Note-Tag",
				TextRules.CONTROL_CHARACTERS);
		assertField(
				this.mvc.get().uri("/notes/a").cookie(new jakarta.servlet.http.Cookie("note", "a\u0002")).exchange(),
				"note", TextRules.CONTROL_CHARACTERS);
		assertThat(this.mvc.get().uri("/notes/{name}?q={q}", "요가", "요가 🧘")).hasStatusOk()
			.bodyText()
			.isEqualTo("요가|요가 🧘");
	}

	@Test
	void rejectsOverLongParametersBeforeTheHandler() {
		assertField(this.mvc.get().uri("/notes/a?q={q}", "x".repeat(51)).exchange(), "q",
				"must be at most 50 characters");
		assertThat(this.mvc.get().uri("/notes/a?q={q}", "x".repeat(50))).hasStatusOk();
	}

	@Test
	void mapsTheDatabaseRefusingAValueTo400AndAConflictTo409() {
		assertThat(this.mvc.get().uri("/db/too-long")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo(ProblemTypes.of("invalid-value").toString());
		assertThat(this.mvc.get().uri("/db/duplicate")).hasStatus(HttpStatus.CONFLICT)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.mvc.get().uri("/db/down")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasHeader("Retry-After", "2")
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private MvcTestResult post(String json) {
		return this.mvc.post().uri("/notes").contentType(MediaType.APPLICATION_JSON).content(json).exchange();
	}

	private static void assertField(MvcTestResult result, String field, String message) {
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.type", (type) -> type.assertThat().isEqualTo(ProblemTypes.VALIDATION.toString()))
			.hasPathSatisfying("$.errors[0].field", (name) -> name.assertThat().isEqualTo(field));
		if (message != null) {
			assertThat(result).bodyJson()
				.hasPathSatisfying("$.errors[0].message", (text) -> text.assertThat().isEqualTo(message));
		}
	}

	enum Kind {

		SMALL, LARGE

	}

	record Note(String title, @MultiLineText String body, List<String> tags, int count, long amount, Kind kind,
			Instant at, UUID ref) {
	}

	@RestController
	static class NoteController {

		@PostMapping("/notes")
		Note create(@RequestBody Note note) {
			return note;
		}

		@GetMapping("/notes/{name}")
		String get(@PathVariable String name, @RequestParam(required = false) String q,
				@RequestHeader(name = "X-Note-Tag", required = false) String tag,
				@CookieValue(name = "note", required = false) String cookie) {
			return name + "|" + q;
		}

		@GetMapping("/db/too-long")
		String tooLong() {
			throw new DataIntegrityViolationException("could not execute statement",
					new SQLException("value too long for type character varying(10)", "22001"));
		}

		@GetMapping("/db/duplicate")
		String duplicate() {
			throw new DataIntegrityViolationException("could not execute statement",
					new SQLException("duplicate key value violates unique constraint", "23505"));
		}

		@GetMapping("/db/down")
		String down() {
			throw new DataAccessResourceFailureException("Connection refused");
		}

	}

}
