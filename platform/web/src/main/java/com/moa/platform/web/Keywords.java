package com.moa.platform.web;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Search keywords as API.md defines them, shared by their producer (lookup-service's
 * {@code search.performed}) and their consumer (search-service): trimmed, inner
 * whitespace (Unicode's, so also the ideographic space) collapsed to one space,
 * case-folded, and in Unicode NFC (Hangul typed as separate jamo on some keyboards and
 * precomposed on others is one keyword), 1..100 characters.
 */
public final class Keywords {

	/** API.md: keywords are 1..100 characters after normalization. */
	public static final int MAX_LENGTH = 100;

	private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

	private Keywords() {
	}

	public static String normalize(String text) {
		String composed = Normalizer.normalize(text, Normalizer.Form.NFC);
		// Collapsed before trimming: String.strip() keeps the no-break spaces (U+00A0,
		// U+2007, U+202F) that Unicode's whitespace class matches.
		String folded = WHITESPACE.matcher(composed).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
		// Composed again: lower-casing can make a pair NFC composes ("T\u0308" has no
		// precomposed form, its lower case "t\u0308" has: U+1E97), and a normalized
		// keyword
		// must normalize to itself, or the keyword history shows could not be deleted.
		return Normalizer.normalize(folded, Normalizer.Form.NFC);
	}

	/** Whether a normalized keyword has a valid length. */
	public static boolean isValid(String normalized) {
		return !normalized.isEmpty() && normalized.length() <= MAX_LENGTH;
	}

}
