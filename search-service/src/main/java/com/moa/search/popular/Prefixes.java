package com.moa.search.popular;

/**
 * Escapes a user's prefix for an anchored MongoDB regular expression: every character
 * with a meaning in PCRE (and Java's regex, on the local test server) is taken literally.
 * Written here because {@code Pattern.quote}'s {@code \Q…\E} is not understood the same
 * way by every server.
 */
public final class Prefixes {

	private static final String SPECIAL = "\\^$.|?*+()[]{}/-";

	private Prefixes() {
	}

	public static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 8);
		text.codePoints().forEach((c) -> {
			if (c < 128 && SPECIAL.indexOf(c) >= 0) {
				escaped.append('\\');
			}
			escaped.appendCodePoint(c);
		});
		return escaped.toString();
	}

}
