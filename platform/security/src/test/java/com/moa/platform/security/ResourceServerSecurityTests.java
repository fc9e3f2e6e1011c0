package com.moa.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.MovableClock;
import com.moa.platform.testing.TestJwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resource service verifies access tokens itself, against auth-service's published
 * keys, so a request that bypasses the gateway is held to the same rules.
 */
@WebMvcTest(properties = { "moa.security.public-paths=GET /public/**", "moa.security.role-paths.SELLER=/seller/**",
		"moa.security.operator-key=test-operator-key" })
@Import(ResourceServerSecurityTests.EchoController.class)
class ResourceServerSecurityTests {

	static final TestJwts signer = TestJwts.withNewKey("key-1");

	static final JwksServer jwks = new JwksServer(signer.jwksJson());

	static final MovableClock clock = new MovableClock();

	static final Duration MAX_AGE = Duration.ofMinutes(5);

	static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

	@Autowired
	MockMvcTester mvc;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	@AfterAll
	static void stopJwks() {
		jwks.close();
	}

	@Test
	void validTokenExposesTheCallerToControllers() {
		UUID userId = UUID.randomUUID();
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(signer.token(userId, "SELLER"))))
			.hasStatusOk()
			.bodyText()
			.isEqualTo(userId + " SELLER");
	}

	@Test
	void missingTokenIs401Problem() {
		assertThat(this.mvc.get().uri("/me")).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
	}

	@Test
	void rolePathsAreEnforcedByTheFilterChainBeforeAnyHandler() {
		String consumer = bearer(signer.token(UUID.randomUUID(), "CONSUMER"));
		String seller = bearer(signer.token(UUID.randomUUID(), "SELLER"));
		assertThat(this.mvc.get().uri("/seller/stock").header(HttpHeaders.AUTHORIZATION, consumer))
			.hasStatus(HttpStatus.FORBIDDEN)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		// No handler maps this path: still 403, so a handler added later cannot forget
		// the role.
		assertThat(this.mvc.get().uri("/seller/not-mapped").header(HttpHeaders.AUTHORIZATION, consumer))
			.hasStatus(HttpStatus.FORBIDDEN);
		assertThat(this.mvc.get().uri("/seller/stock").header(HttpHeaders.AUTHORIZATION, seller)).hasStatusOk();
		assertThat(this.mvc.get().uri("/seller/stock")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void internalPathsNeedTheOperatorKeyNotAUserToken() {
		assertThat(this.mvc.get().uri("/internal/ping")).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.mvc.get()
			.uri("/internal/ping")
			.header(HttpHeaders.AUTHORIZATION, bearer(signer.token(UUID.randomUUID(), "ADMIN"))))
			.hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(this.mvc.get().uri("/internal/ping").header("X-Operator-Key", "wrong"))
			.hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(this.mvc.get().uri("/internal/ping").header("X-Operator-Key", "test-operator-key")).hasStatusOk()
			.bodyText()
			.isEqualTo("pong");
		// The operator key opens nothing else.
		assertThat(this.mvc.get().uri("/me").header("X-Operator-Key", "test-operator-key"))
			.hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void publicPathsNeedNoToken() {
		assertThat(this.mvc.get().uri("/public/hello")).hasStatusOk();
		assertThat(this.mvc.post().uri("/public/hello")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "alg-none", "hs256-public-key", "other-key-same-kid", "wrong-issuer", "wrong-audience",
			"expired-beyond-skew", "tampered-payload", "no-role", "garbage" })
	void forgedOrInvalidTokensAre401(String forgery) {
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(forge(forgery))))
			.hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void tokenExpiredWithinTheSkewIsStillAccepted() {
		Instant now = Instant.now();
		String token = signer.token("CONSUMER",
				(claims) -> claims.issueTime(Date.from(now.minus(Duration.ofMinutes(15).plusSeconds(10))))
					.expirationTime(Date.from(now.minus(Duration.ofSeconds(10)))));
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(token))).hasStatusOk();
	}

	@Test
	void unknownKidRefetchesTheKeySet() {
		clock.advance(REFRESH_INTERVAL);
		TestJwts rotated = TestJwts.withNewKey("key-2");
		jwks.serve(TestJwts.jwksJson(signer, rotated));
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(rotated.token("CONSUMER"))))
			.hasStatusOk();
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(signer.token("CONSUMER"))))
			.hasStatusOk();
	}

	@Test
	void madeUpKeyIdsFetchTheSetAtMostTwicePerRefreshInterval() {
		clock.advance(REFRESH_INTERVAL);
		int before = jwks.fetches();
		for (int i = 0; i < 20; i++) {
			String madeUp = signer.tokenNamingKey("made-up-" + i, "CONSUMER");
			assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(madeUp)))
				.hasStatus(HttpStatus.UNAUTHORIZED);
		}
		assertThat(jwks.fetches() - before).isEqualTo(2);
		// A key published meanwhile is found once the interval has passed.
		TestJwts rotated = TestJwts.withNewKey("key-3");
		jwks.serve(TestJwts.jwksJson(signer, rotated));
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(rotated.token("CONSUMER"))))
			.hasStatus(HttpStatus.UNAUTHORIZED);
		clock.advance(REFRESH_INTERVAL);
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, bearer(rotated.token("CONSUMER"))))
			.hasStatusOk();
	}

	@Test
	void authServiceDownKeepsTheKeysFetchedBefore() {
		String token = bearer(signer.token("CONSUMER"));
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, token)).hasStatusOk();
		jwks.goDown();
		try {
			int before = jwks.fetches();
			clock.advance(MAX_AGE.plusSeconds(1));
			assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, token)).hasStatusOk();
			assertThat(jwks.fetches()).isGreaterThan(before);
			// A made-up key id still just finds no key.
			clock.advance(REFRESH_INTERVAL);
			assertThat(this.mvc.get()
				.uri("/me")
				.header(HttpHeaders.AUTHORIZATION, bearer(signer.tokenNamingKey("while-down", "CONSUMER"))))
				.hasStatus(HttpStatus.UNAUTHORIZED);
			assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, token)).hasStatusOk();
		}
		finally {
			jwks.comeBack();
		}
	}

	static String forge(String forgery) {
		return switch (forgery) {
			case "alg-none" -> signer.forgedAlgNone("CONSUMER");
			case "hs256-public-key" -> signer.forgedHs256WithPublicKey("CONSUMER");
			case "other-key-same-kid" -> signer.forgedByOtherKeySameKid("CONSUMER");
			case "wrong-issuer" -> signer.token("CONSUMER", (claims) -> claims.issuer("evil"));
			case "wrong-audience" -> signer.token("CONSUMER", (claims) -> claims.audience(List.of("other-api")));
			case "expired-beyond-skew" -> signer.token("CONSUMER",
					(claims) -> claims.expirationTime(Date.from(Instant.now().minus(Duration.ofSeconds(120)))));
			case "tampered-payload" -> signer.forgedTamperedPayload("CONSUMER");
			case "no-role" -> signer.token("CONSUMER", (claims) -> claims.claim("role", null));
			case "garbage" -> "not.a.jwt";
			default -> throw new IllegalArgumentException(forgery);
		};
	}

	static String bearer(String token) {
		return "Bearer " + token;
	}

	@SpringBootApplication
	static class TestApp {

		@Bean
		Clock clock() {
			return clock;
		}

	}

	@RestController
	static class EchoController {

		@GetMapping("/me")
		String me(@AuthenticationPrincipal AuthenticatedUser user) {
			return user.id() + " " + user.role();
		}

		@GetMapping("/public/hello")
		String hello() {
			return "hello";
		}

		@GetMapping("/seller/stock")
		String stock() {
			return "stock";
		}

		@GetMapping("/internal/ping")
		String ping() {
			return "pong";
		}

	}

}
