package com.moa.platform.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What shows something: invisible text (Unicode spaces, zero-width and format characters,
 * the Hangul fillers, blank Braille) passes {@code isBlank()} but not
 * {@link TextRules#showsSomething}; the {@code @Pattern} form agrees.
 */
class TextRulesTests {

	@Test
	void invisibleTextShowsNothingAndVisibleTextDoes() {
		List<String> invisible = List.of("", "   ", "\u00a0", "\u3000", "\u200b\u200c\u200d", "\u200e\u200f",
				"\u3164\u3164", "\u115f\u1160", "\uffa0", "\u2800", "\ufe0f", "\u034f", "\udb40\udc41", "\t\n");
		List<String> visible = List.of("a", "민아", " 가 ", "\u3164a", "😀", "\u0301\u0041", "\u200fאבג", ".");

		for (String text : invisible) {
			assertThat(TextRules.showsSomething(text)).as(escaped(text)).isFalse();
			assertThat(text.matches(TextRules.SHOWS_SOMETHING)).as(escaped(text)).isFalse();
		}
		for (String text : visible) {
			assertThat(TextRules.showsSomething(text)).as(escaped(text)).isTrue();
			assertThat(text.matches(TextRules.SHOWS_SOMETHING)).as(escaped(text)).isTrue();
		}
		assertThat("\u3164".isBlank()).isFalse();
	}

	@Test
	void bidiControlsAreRefusedAndTheMarksAllowed() {
		assertThat("Kim\u202Egnp.exe".matches(TextRules.NO_BIDI_CONTROLS)).isFalse();
		assertThat("\u2067Kim".matches(TextRules.NO_BIDI_CONTROLS)).isFalse();
		assertThat("\u200fאבג\u200e Kim".matches(TextRules.NO_BIDI_CONTROLS)).isTrue();
	}

	private static String escaped(String text) {
		StringBuilder escaped = new StringBuilder();
		text.codePoints().forEach((c) -> escaped.append(String.format("U+%04X ", c)));
		return escaped.toString();
	}

}
