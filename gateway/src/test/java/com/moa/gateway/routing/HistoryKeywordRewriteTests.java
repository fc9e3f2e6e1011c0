package com.moa.gateway.routing;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryKeywordRewriteTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "50%25%20%ED%95%A0%EC%9D%B8|keyword=50%25%20%ED%95%A0%EC%9D%B8", "AC%2FDC|keyword=AC%2FDC",
					"a%3Bb%5Cc|keyword=a%3Bb%5Cc", "..|keyword=..", "%2E%2E|keyword=%2E%2E", "1+1|keyword=1%2B1",
					"a%26b%3Dc|keyword=a%26b%3Dc", "internal|keyword=internal" })
	void movesTheKeywordIntoTheQuery(String segment, String query) {
		URI rewritten = HistoryKeywordRewrite.rewrite(URI.create("http://gw/api/search/history/" + segment + "?x=1"));

		assertThat(rewritten.getRawPath()).isEqualTo("/api/search/history");
		assertThat(rewritten.getRawQuery()).isEqualTo(query);
	}

	/**
	 * The hostile-input kit's path values: the bytes reach search-service as sent, which
	 * refuses or accepts them as it does in the path form; nothing is decoded on the way.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "%00", "a%1Bb", "%ED%A0%80", "%C3%28", "%F0%9F%A7%98", "%EC%9A%94%EA%B0%80", "a;b",
			"a'b(c)*!$,:@" })
	void keepsTheKeywordsBytesAsSent(String segment) {
		URI rewritten = HistoryKeywordRewrite.rewrite(URI.create("http://gw/api/search/history/" + segment));

		assertThat(rewritten.getRawPath()).isEqualTo("/api/search/history");
		assertThat(rewritten.getRawQuery()).isEqualTo("keyword=" + segment);
	}

	@Test
	void keepsALongKeywordWhole() {
		String segment = "%EC%9A%94".repeat(3000);

		URI rewritten = HistoryKeywordRewrite.rewrite(URI.create("http://gw/api/search/history/" + segment));

		assertThat(rewritten.getRawQuery()).isEqualTo("keyword=" + segment);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/search/history", "/api/search/history/", "/api/search/history/a/b",
			"/api/search/history//internal", "/api/search/popular/x", "/api/products/a%2Fb" })
	void leavesEveryOtherPathToTheGuard(String path) {
		assertThat(HistoryKeywordRewrite.rewrite(URI.create("http://gw" + path))).isNull();
	}

}
