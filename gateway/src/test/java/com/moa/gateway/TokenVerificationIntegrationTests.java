package com.moa.gateway;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forged, expired and mis-addressed tokens are rejected at the gateway, before any
 * service sees the request; clock skew and JWKS key rotation behave as designed.
 */
class TokenVerificationIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	static Stream<Arguments> forgedTokens() {
		return Stream.of(Arguments.of("alg none", TestTokens.unsigned()),
				Arguments.of("HS256 keyed with the RSA public key", TestTokens.hmacWithPublicKey()),
				Arguments.of("other key under the same kid", TestTokens.otherKeySameKid()),
				Arguments.of("wrong iss",
						TestTokens.sign(TestTokens.DEFAULT_KEY,
								TestTokens.claims(UUID.randomUUID(), "CONSUMER", "evil-issuer", "moa-api",
										Instant.now().plusSeconds(600)))),
				Arguments.of("wrong aud",
						TestTokens.sign(TestTokens.DEFAULT_KEY,
								TestTokens.claims(UUID.randomUUID(), "CONSUMER", "moa-auth", "other-api",
										Instant.now().plusSeconds(600)))),
				Arguments.of("expired 90 s ago", TestTokens.expiredSecondsAgo(90)),
				Arguments.of("tampered payload", TestTokens.tamperedPayload()), Arguments.of("garbage", "not.a.jwt"));
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

	@Test
	void acceptsTokenExpiredWithinTheSixtySecondSkew() {
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(TestTokens.expiredSecondsAgo(30)))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void refetchesJwksWhenATokenNamesAnUnknownKid() {
		// Warm the cached key set first.
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(TestTokens.consumer()))
			.exchange()
			.expectStatus()
			.isOk();
		int fetchesBefore = this.backend.jwksFetches();
		RSAKey rotated = TestTokens.generate("rotated-" + UUID.randomUUID());
		this.backend.publish(rotated);
		String token = TestTokens.sign(rotated,
				TestTokens.claims(UUID.randomUUID(), "SELLER", "moa-auth", "moa-api", Instant.now().plusSeconds(600)));
		this.client.get()
			.uri("/api/seller/dashboard")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.jwksFetches()).isGreaterThan(fetchesBefore);
		// Keys published before the rotation still verify.
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(TestTokens.consumer()))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void rejectsTokenSignedByAnUnpublishedKey() {
		RSAKey unpublished = TestTokens.generate("unpublished-" + UUID.randomUUID());
		String token = TestTokens.sign(unpublished, TestTokens.claims(UUID.randomUUID(), "CONSUMER", "moa-auth",
				"moa-api", Instant.now().plusSeconds(600)));
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void rejectsTokenWithoutValidRole() {
		String token = TestTokens.sign(TestTokens.DEFAULT_KEY,
				TestTokens.claims(UUID.randomUUID(), "ROOT", "moa-auth", "moa-api", Instant.now().plusSeconds(600)));
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

}
