package com.moa.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The field limits of events as {@code docs/events.md} documents them (the table between
 * {@code event-limits:start} and {@code event-limits:end}): the contract a producer's
 * validation must enforce and every consumer must store. Producer and consumer tests read
 * the same document, so a limit changed on one side without the other fails a test.
 */
public final class EventContract {

	private static final String DOCUMENT = "docs/events.md";

	private EventContract() {
	}

	/** Every documented limit of one event type. */
	public static List<FieldLimit> limits(String eventType) {
		List<FieldLimit> limits = all().stream().filter((limit) -> limit.event().equals(eventType)).toList();
		if (limits.isEmpty()) {
			throw new NoSuchElementException(DOCUMENT + " documents no limits for " + eventType);
		}
		return limits;
	}

	/**
	 * The documented limit of one field, e.g.
	 * {@code ("product.upserted", "plans[].name")}.
	 */
	public static FieldLimit limit(String eventType, String field) {
		return limits(eventType).stream()
			.filter((limit) -> limit.field().equals(field))
			.findFirst()
			.orElseThrow(
					() -> new NoSuchElementException(DOCUMENT + " documents no limit for " + eventType + " " + field));
	}

	static List<FieldLimit> all() {
		Path document = locate();
		try {
			List<FieldLimit> limits = new ArrayList<>();
			boolean inTable = false;
			for (String line : Files.readAllLines(document, StandardCharsets.UTF_8)) {
				if (line.contains("event-limits:start")) {
					inTable = true;
				}
				else if (line.contains("event-limits:end")) {
					break;
				}
				else if (inTable && line.startsWith("| ") && !line.startsWith("| event") && !line.startsWith("|---")) {
					String[] cells = line.split("\\|");
					limits.add(new FieldLimit(cells[1].trim(), cells[2].trim(), cells[3].trim(),
							Long.parseLong(cells[4].trim()), Long.parseLong(cells[5].trim())));
				}
			}
			return limits;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + document, ex);
		}
	}

	/** {@code docs/events.md} of the repository the tests run in (found upwards). */
	private static Path locate() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolve(DOCUMENT);
			if (Files.isRegularFile(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException(DOCUMENT + " not found above " + Path.of("").toAbsolutePath());
	}

	/**
	 * One documented limit.
	 *
	 * @param event the event type
	 * @param field the field, {@code plans[].name} for a field of each list element
	 * @param kind {@code text}, {@code multiline}, {@code url}, {@code email},
	 * {@code integer} or {@code list}
	 * @param min the least length, value or element count
	 * @param max the largest
	 */
	public record FieldLimit(String event, String field, String kind, long min, long max) {

		private static final List<String> WORST_CASE_PIECES = List.of("😀", "가", "\u1112\u1161\u11AB", " ", "e\u0301",
				"\u2126", "𠜎", "\u212B", "\uF900", "a\u0344", "\u0958", "\uD834\uDD5E", "힣", "👩🏽\u200D💻", "\uFB2C",
				"\u0130");

		/**
		 * The largest valid text of this field: exactly {@link #max} UTF-16 units, mostly
		 * Hangul (three bytes each in UTF-8, so byte-sized limits are tested too), with
		 * line breaks in multi-line fields and a URL shape for URLs.
		 */
		public String largestText() {
			return text((int) this.max);
		}

		/**
		 * The largest valid text of this field made of the characters most likely to be
		 * cut, refused or changed on the way, starting with {@code start} (so two values
		 * differ): supplementary characters (two UTF-16 units, four UTF-8 bytes: emoji, a
		 * CJK Extension B ideograph, a musical symbol, an emoji sequence), Hangul, and
		 * characters Unicode normalization or case folding changes or lengthens (Hangul
		 * as separate jamo, {@code e} with a combining acute, the angstrom and ohm signs,
		 * a compatibility ideograph, a Hebrew presentation form NFC expands to three
		 * units, the dotted capital I whose lower case is two); tab and line breaks in
		 * multi-line fields. Exactly {@link #max} UTF-16 units, as producers count them
		 * ({@code @Size}), and no whitespace at the end (producers may trim). URLs are
		 * {@link #largestText()}, which has a URL's shape.
		 */
		public String worstCaseText(String start) {
			if (this.kind.equals("url")) {
				return largestText();
			}
			int length = (int) this.max;
			boolean multiline = this.kind.equals("multiline");
			StringBuilder text = new StringBuilder(length).append(start);
			for (int i = 0; text.length() < length; i++) {
				String piece = (multiline && i % 12 == 11) ? ((i % 24 == 23) ? "\r\n" : "\n\t")
						: WORST_CASE_PIECES.get(i % WORST_CASE_PIECES.size());
				text.append((text.length() + piece.length() <= length) ? piece : "가");
			}
			if (Character.isWhitespace(text.charAt(length - 1))) {
				text.setCharAt(length - 1, '가');
			}
			return text.toString();
		}

		/** Valid text one unit over the limit. */
		public String tooLongText() {
			return text((int) this.max + 1);
		}

		private String text(int length) {
			StringBuilder text = new StringBuilder(length);
			if (this.kind.equals("url")) {
				text.append("https://img.example.com/");
			}
			int i = 0;
			while (text.length() < length) {
				if (this.kind.equals("url")) {
					text.append((char) ('a' + (i % 26)));
				}
				else if (this.kind.equals("multiline") && i % 60 == 59) {
					text.append('\n');
				}
				else {
					text.append((i % 7 == 6) ? ' ' : (char) ('가' + (i % 11172)));
				}
				i++;
			}
			if (Character.isWhitespace(text.charAt(text.length() - 1))) {
				// Producers may trim: the largest value must survive unchanged.
				text.setCharAt(text.length() - 1, '가');
			}
			return text.toString();
		}

	}

}
