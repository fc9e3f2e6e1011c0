package com.moa.platform.web;

/**
 * The one rule for text a client sends, wherever it arrives (JSON bodies, query
 * parameters, path variables, headers a service reads): no C0 control characters (NUL
 * among them; PostgreSQL refuses it and logs, terminals and CSV exports misbehave on the
 * rest), no DEL, and no unpaired UTF-16 surrogate (a JSON {@code "\uD800"} that the
 * database driver would silently turn into {@code ?}). A field marked
 * {@link MultiLineText} may also hold tab, line feed and carriage return. Valid Unicode
 * (Korean, emoji, combining marks) always passes.
 */
public final class TextRules {

	static final String CONTROL_CHARACTERS = "must not contain control characters";

	static final String UNPAIRED_SURROGATE = "must not contain unpaired surrogate characters";

	private TextRules() {
	}

	/**
	 * Why a value breaks the rule, or {@code null} when it is acceptable.
	 * @param value the text
	 * @param multiLine whether tab, line feed and carriage return are allowed
	 * @return the message for the client, or {@code null}
	 */
	public static String violation(CharSequence value, boolean multiLine) {
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
