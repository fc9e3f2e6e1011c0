package com.moa.platform.web;

import java.util.regex.Pattern;

/**
 * The one rule for text a client sends, wherever it arrives (JSON bodies, query
 * parameters, path variables, headers a service reads): no C0 control characters (NUL
 * among them; PostgreSQL refuses it and logs, terminals and CSV exports misbehave on the
 * rest), no DEL, and no unpaired UTF-16 surrogate (a JSON {@code "\uD800"} that the
 * database driver would silently turn into {@code ?}). Text that arrives decoded as
 * Unicode (JSON, parameters, path variables) may hold no C1 control either (U+0080 to
 * U+009F: never text, some terminals act on them), and one-line text no line or paragraph
 * separator (U+2028, U+2029: a name or title shown as two lines). A field marked
 * {@link MultiLineText} may also hold tab, line feed, carriage return and those
 * separators. Valid Unicode (Korean, emoji, combining marks) always passes.
 * <p>
 * Headers and cookies keep the first rule only: Tomcat decodes their bytes as ISO-8859-1,
 * so a UTF-8 value reaches a service as characters in the C1 range (한 as U+00ED U+0095
 * U+009C).
 */
public final class TextRules {

	/**
	 * One character that shows something: not whitespace, a separator, a control or
	 * format character (zero-width space, LRM), nor one of the other default-ignorable or
	 * blank characters (the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the blank
	 * Braille pattern U+2800, variation selectors, the grapheme joiner, tags). A name,
	 * title or message of none of them shows as nothing, yet passes
	 * {@code @NotBlank}/{@link String#isBlank()}, which know only whitespace.
	 */
	public static final String VISIBLE_CHARACTER = "[^\\s\\p{Z}\\p{Cc}\\p{Cf}\\u034F\\u115F\\u1160\\u17B4\\u17B5"
			+ "\\u180B-\\u180F\\u2800\\u3164\\uFE00-\\uFE0F\\uFFA0\\uFFF0-\\uFFF8\\x{1BCA0}-\\x{1BCA3}"
			+ "\\x{1D173}-\\x{1D17A}\\x{E0000}-\\x{E0FFF}]";

	/** For {@code @Pattern}: text with at least one {@link #VISIBLE_CHARACTER}. */
	public static final String SHOWS_SOMETHING = "(?s).*" + VISIBLE_CHARACTER + ".*";

	/**
	 * For {@code @Pattern} on one-line display text (names, titles): no bidirectional
	 * embedding, override or isolate (U+202A..U+202E, U+2066..U+2069), as an unclosed one
	 * reorders what is shown after it in a chat line, a listing or a receipt. The marks
	 * LRM and RLM, which right-to-left text needs, stay allowed.
	 */
	public static final String NO_BIDI_CONTROLS = "[^\\u202A-\\u202E\\u2066-\\u2069]*";

	private static final Pattern VISIBLE = Pattern.compile(VISIBLE_CHARACTER);

	static final String CONTROL_CHARACTERS = "must not contain control characters";

	static final String UNPAIRED_SURROGATE = "must not contain unpaired surrogate characters";

	static final String LINE_SEPARATORS = "must be one line";

	private TextRules() {
	}

	/** Whether the text has a {@link #VISIBLE_CHARACTER}. */
	public static boolean showsSomething(CharSequence text) {
		return VISIBLE.matcher(text).find();
	}

	/**
	 * Why a value decoded as Unicode (JSON, parameters, path variables) breaks the rule,
	 * or {@code null} when it is acceptable.
	 * @param value the text
	 * @param multiLine whether tab, line feed, carriage return and the line and paragraph
	 * separators are allowed
	 * @return the message for the client, or {@code null}
	 */
	public static String violation(CharSequence value, boolean multiLine) {
		String violation = headerViolation(value, multiLine);
		if (violation != null) {
			return violation;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c >= 0x80 && c <= 0x9F) {
				return CONTROL_CHARACTERS;
			}
			if (!multiLine && (c == '\u2028' || c == '\u2029')) {
				return LINE_SEPARATORS;
			}
		}
		return null;
	}

	/**
	 * Why a header or cookie value (its bytes decoded as ISO-8859-1) breaks the rule, or
	 * {@code null}: no C0 control, DEL or unpaired surrogate.
	 * @param value the text
	 * @param multiLine whether tab, line feed and carriage return are allowed
	 * @return the message for the client, or {@code null}
	 */
	public static String headerViolation(CharSequence value, boolean multiLine) {
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == 0x7F) {
				if (!(multiLine && (c == '\t' || c == '\n' || c == '\r'))) {
					return CONTROL_CHARACTERS;
				}
			}
			else if (Character.isHighSurrogate(c)) {
				if (i + 1 >= length || !Character.isLowSurrogate(value.charAt(i + 1))) {
					return UNPAIRED_SURROGATE;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return UNPAIRED_SURROGATE;
			}
		}
		return null;
	}

}
