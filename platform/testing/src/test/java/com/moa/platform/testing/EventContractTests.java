package com.moa.platform.testing;

import java.text.Normalizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worst-case text of every documented text field is as large as the field allows and
 * as hard to store unchanged as promised: a consumer test using it cannot pass by luck.
 */
class EventContractTests {

	@Test
	void worstCaseTextIsExactlyTheLimitAndHardToStoreUnchanged() {
		assertThat(EventContract.all()).filteredOn((limit) -> limit.kind().matches("text|multiline"))
			.isNotEmpty()
			.allSatisfy((limit) -> {
				String text = limit.worstCaseText("x");
				assertThat(text).as("%s %s", limit.event(), limit.field())
					.hasSize((int) limit.max())
					.startsWith("x")
					.doesNotEndWith(" ");
				if (limit.max() >= 20) {
					assertThat(Normalizer.isNormalized(text, Normalizer.Form.NFC)).isFalse();
					assertThat(text.codePoints().anyMatch(Character::isSupplementaryCodePoint)).isTrue();
				}
				if (limit.kind().equals("multiline") && limit.max() >= 100) {
					assertThat(text).contains("\r\n", "\n\t");
				}
			});
	}

}
