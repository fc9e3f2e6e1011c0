package com.moa.platform.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeywordsTests {

	@Test
	void trimsCollapsesWhitespaceAndCaseFolds() {
		assertThat(Keywords.normalize("  Netflix \t 프리미엄\u3000 구독\n ")).isEqualTo("netflix 프리미엄 구독");
	}

	@Test
	void noBreakSpacesAreTrimmedLikeAnyOtherWhitespace() {
		assertThat(Keywords.normalize("\u00A0요가\u202F")).isEqualTo("요가");
		assertThat(Keywords.normalize("\u2007요가\u0085 매트\u00A0")).isEqualTo("요가 매트");
		assertThat(Keywords.isValid(Keywords.normalize("\u00A0"))).isFalse();
	}

	@Test
	void hangulTypedAsJamoIsTheSameKeywordAsPrecomposedHangul() {
		// "요가" as conjoining jamo (NFD, as some keyboards and macOS file names produce).
		String decomposed = "\u110B\u116D\u1100\u1161";
		assertThat(decomposed).isNotEqualTo("요가");
		assertThat(Keywords.normalize(decomposed)).isEqualTo("요가");
	}

	@Test
	void lengthIsCheckedAfterNormalization() {
		assertThat(Keywords.isValid(Keywords.normalize("   "))).isFalse();
		assertThat(Keywords.isValid(Keywords.normalize(" " + "가".repeat(100) + " "))).isTrue();
		assertThat(Keywords.isValid("가".repeat(101))).isFalse();
	}

	@Test
	void aNormalizedKeywordNormalizesToItself() {
		assertThat(Keywords.normalize("T\u0308")).isEqualTo("\u1E97");
		assertThat(Keywords.normalize("\u0130\u0316"))
			.isEqualTo(Keywords.normalize(Keywords.normalize("\u0130\u0316")));
		for (int base = 0x41; base <= 0x24F; base++) {
			for (char mark = 0x300; mark <= 0x36F; mark++) {
				String once = Keywords.normalize(Character.toString(base) + mark);
				assertThat(Keywords.normalize(once)).as("U+%04X U+%04X", base, (int) mark).isEqualTo(once);
			}
		}
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			if (codePoint < 0xD800 || codePoint > 0xDFFF) {
				String once = Keywords.normalize(Character.toString(codePoint));
				assertThat(Keywords.normalize(once)).as("U+%04X", codePoint).isEqualTo(once);
			}
		}
	}

}
