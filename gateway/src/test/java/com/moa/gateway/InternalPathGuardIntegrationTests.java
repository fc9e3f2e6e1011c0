package com.moa.gateway;

import com.moa.platform.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Services' {@code /internal/**} and {@code /actuator/**} are never reached through the
 * gateway, whatever encoding or dot-segment trick the path uses; the gateway's own health
 * endpoint stays available. A path spelling a letter, digit, {@code -}, {@code _} or
 * {@code ~} percent-encoded is refused with 400.
 */
class InternalPathGuardIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	@ParameterizedTest
	@ValueSource(strings = { "/internal/users", "/api/auth/internal/users", "/api/products/actuator/env",
			"/api/auth/../internal/x", "/api/auth/%2e%2e/internal", "/api/auth/%2E%2E/%2e%2E/internal/x",
			"/api/auth/..%2finternal", "/api/auth/%2finternal", "/api/products/;/internal",
			"/api/products/..;/internal", "/api/auth/;jsessionid=1/../internal", "/api/auth//internal",
			"/api/auth/%252e%252e/internal", "/api/auth/./internal", "/api/products/%2e/actuator/health",
			"/api/auth/INTERNAL/users", "/api/chat/%5c..%5cinternal", "/api/auth/.well-known/../../internal/keys" })
	void neverRoutesInternalOrActuatorPaths(String rawPath) {
		RawHttp.Response response = RawHttp.send(this.port, "GET", rawPath,
				"Authorization: Bearer " + TestBackend.SIGNER.token("SELLER"));
		assertThat(response.status()).as(rawPath).isEqualTo(404);
		assertThat(response.isProblem()).as(rawPath).isTrue();
		assertThat(response.text()).contains("https://moa-subscribe.com/problems/not-found");
		assertThat(this.backend.receivedAll()).noneMatch(
				(hit) -> hit.uri().toLowerCase().contains("internal") || hit.uri().toLowerCase().contains("actuator"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/auth/logi%6e", "/api/auth/signu%70", "/api/auth/%6Cogin", "/api/%61uth/login",
			"/api/auth/login%7E", "/api/products/%31", "/api/chat/rooms/a%2Db", "/api/auth/.well-known/jwks%5Fjson",
			"/actuator/healt%68" })
	void refusesPercentEncodedLettersDigitsAndUnreservedMarksWith400(String rawPath) {
		int before = this.backend.receivedAll().size();
		RawHttp.Response response = RawHttp.send(this.port, "POST", rawPath,
				"Authorization: Bearer " + TestBackend.SIGNER.token("SELLER"));
		assertThat(response.status()).as(rawPath).isEqualTo(400);
		assertThat(response.isProblem()).as(rawPath).isTrue();
		assertThat(response.text()).contains("https://moa-subscribe.com/problems/bad-request");
		assertThat(this.backend.receivedAll()).hasSize(before);
	}

	@Test
	void keepsTheGatewaysOwnHealthEndpointReachable() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/actuator/health/liveness");
		assertThat(response.status()).isEqualTo(200);
		assertThat(this.backend.receivedAll()).noneMatch((hit) -> hit.uri().contains("actuator"));
	}

	@Test
	void stillRoutesOrdinaryEncodedPaths() {
		// A Korean keyword, percent-encoded, is a legitimate path segment.
		RawHttp.Response response = RawHttp.send(this.port, "DELETE", "/api/search/history/%ED%82%A4%EC%9B%8C%EB%93%9C",
				"Authorization: Bearer " + TestBackend.SIGNER.token("CONSUMER"));
		// search points at a closed port in this context: routed (503 from the fallback),
		// not refused by the guard.
		assertThat(response.status()).isEqualTo(503);
	}

	@ParameterizedTest
	@ValueSource(strings = { "50%25%20%ED%95%A0%EC%9D%B8", "AC%2FDC", "a%3Bb%5Cc", "..", "internal", "%00", "a%1Bb",
			"%ED%A0%80", "%C3%28", "a+b%26c%3Dd" })
	void routesAHistoryDeleteWhateverTheKeyword(String keyword) {
		// The keyword travels in the query (HistoryKeywordRewrite), so the guard has no
		// path to refuse: routed to search (503, its port is closed here), never 404.
		RawHttp.Response response = RawHttp.send(this.port, "DELETE", "/api/search/history/" + keyword,
				"Authorization: Bearer " + TestBackend.SIGNER.token("CONSUMER"));
		assertThat(response.status()).as(keyword).isEqualTo(503);
		assertThat(RawHttp
			.send(this.port, "DELETE", "/api/search/history/%zz",
					"Authorization: Bearer " + TestBackend.SIGNER.token("CONSUMER"))
			.status()).isEqualTo(400);
		// Other methods keep the path form and the guard's rules.
		assertThat(RawHttp.send(this.port, "GET", "/api/search/history/AC%2FDC").status()).isEqualTo(404);
	}

}
