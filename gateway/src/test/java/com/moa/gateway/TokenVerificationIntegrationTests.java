package com.moa.gateway;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.moa.platform.testing.TestJwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static com.moa.gateway.TestBackend.SIGNER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forged, expired and mis-addressed tokens are rejected at the gateway, before any
 * service sees the request; clock skew behaves as designed (key rotation:
 * {@link JwkSetRefreshIntegrationTests}).
 */
class TokenVerificationIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	static Stream<Arguments> forgedTokens() {
		return Stream.of(Arguments.of("alg none", SIGNER.forgedAlgNone("SELLER")),
				Arguments.of("HS256 keyed with the RSA public key", SIGNER.forgedHs256WithPublicKey("SELLER")),
				Arguments.of("other key under the same kid", SIGNER.forgedByOtherKeySameKid("SELLER")),
				Arguments.of("wrong iss", SIGNER.token("CONSUMER", (claims) -> claims.issuer("evil-issuer"))),
				Arguments.of("wrong aud", SIGNER.token("CONSUMER", (claims) -> claims.audience("other-api"))),
				Arguments.of("expired 90 s ago", expiredSecondsAgo(90)),
				Arguments.of("tampered payload", SIGNER.forgedTamperedPayload("CONSUMER")),
				Arguments.of("garbage", "not.a.jwt"));
	}

	private static String expiredSecondsAgo(long seconds) {
		Instant expiredAt = Instant.now().minusSeconds(seconds);
		return SIGNER.token("CONSUMER", (claims) -> claims.issueTime(Date.from(expiredAt.minusSeconds(900)))
			.expirationTime(Date.from(expiredAt)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("forgedTokens")
	void rejectsForgedTokenWith401BeforeRouting(String description, String token) {
		String path = "/api/seller/products/" + UUID.randomUUID();
		this.client.get()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401);
		assertThat(this.backend.received(path::equals)).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("forgedTokens")
	void rejectsForgedTokenEvenOnPublicRoute(String description, String token) {
		String path = "/api/products/" + UUID.randomUUID();
		this.client.get()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(this.backend.received(path::equals)).isEmpty();
	}

	/**
	 * Sign-up, login and refresh take their credentials from the body: an app refreshing
	 * because its token expired may still send that token, and is not refused for it.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("forgedTokens")
	void credentialEndpointsAreRoutedWhateverBearerTokenIsSentAlong(String description, String token) {
		for (String path : List.of("/api/auth/signup", "/api/auth/login", "/api/auth/refresh")) {
			this.client.post()
				.uri(path)
				.header(HttpHeaders.AUTHORIZATION, bearer(token))
				.bodyValue("{}")
				.exchange()
				.expectStatus()
				.isOk();
			assertThat(this.backend.received(path::equals)).as(path).isNotEmpty();
		}
		this.client.post()
			.uri("/api/auth/logout")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void acceptsTokenExpiredWithinTheSixtySecondSkew() {
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(expiredSecondsAgo(30)))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void rejectsTokenSignedByAnUnpublishedKey() {
		String token = TestJwts.withNewKey("unpublished-" + UUID.randomUUID()).token("CONSUMER");
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void rejectsTokenWithoutValidRole() {
		String token = SIGNER.token("ROOT");
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

}
