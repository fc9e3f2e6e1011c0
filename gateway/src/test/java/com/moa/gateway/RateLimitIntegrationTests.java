package com.moa.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import com.moa.platform.testing.RawHttp;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request limits counted in a real Redis: the credential endpoints per client IP, the
 * rest of the API per user, with 429 problem JSON, {@code Retry-After} and
 * {@code X-RateLimit-Remaining}; a credential path spelled with encoded letters can't
 * pass for another path.
 */
@TestPropertySource(properties = { "moa.gateway.rate-limit.api.requests=5", "moa.gateway.rate-limit.api.window=60s",
		"moa.gateway.rate-limit.auth.requests=3", "moa.gateway.rate-limit.auth.window=60s" })
class RateLimitIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	@Test
	void limitsLoginAttemptsPerClientIpWith429AndRetryAfter() {
		for (int i = 0; i < 3; i++) {
			this.client.post()
				.uri("/api/auth/login")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("X-RateLimit-Remaining", String.valueOf(2 - i));
		}
		String retryAfter = this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals("X-RateLimit-Remaining", "0")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/rate-limited")
			.jsonPath("$.status")
			.isEqualTo(429)
			.returnResult()
			.getResponseHeaders()
			.getFirst(HttpHeaders.RETRY_AFTER);
		assertThat(Integer.parseInt(retryAfter)).isBetween(1, 60);
		// Signup shares the credential bucket of this IP.
		this.client.post().uri("/api/auth/signup").exchange().expectStatus().isEqualTo(429);
	}

	@Test
	void refusesCredentialPathsWithEncodedLettersInsteadOfLimitingThemAsApiRequests() {
		int before = this.backend.receivedAll().size();
		for (int i = 0; i < 11; i++) {
			RawHttp.Response response = RawHttp.send(this.port, "POST", "/api/auth/logi%6e",
					List.of("Content-Type: application/json"), "{}".getBytes(StandardCharsets.UTF_8));
			assertThat(response.status()).as("attempt %s", i + 1).isEqualTo(400);
			assertThat(response.isProblem()).isTrue();
		}
		assertThat(this.backend.receivedAll()).hasSize(before);
	}

	/**
	 * Only CORS preflights (answered by the CORS filter before any limit) go uncounted; a
	 * plain OPTIONS reaches the service like any request and counts like one.
	 */
	@Test
	void countsPlainOptionsRequestsAgainstTheUsersLimit() {
		String carol = TestBackend.SIGNER.token(UUID.randomUUID(), "CONSUMER");
		for (int i = 0; i < 5; i++) {
			this.client.options()
				.uri("/api/subscriptions")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + carol)
				.exchange()
				.expectHeader()
				.valueEquals("X-RateLimit-Remaining", String.valueOf(4 - i));
		}
		this.client.options()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + carol)
			.exchange()
			.expectStatus()
			.isEqualTo(429);
	}

	@Test
	void limitsApiRequestsPerUserNotGlobally() {
		String alice = TestBackend.SIGNER.token(UUID.randomUUID(), "CONSUMER");
		String bob = TestBackend.SIGNER.token(UUID.randomUUID(), "CONSUMER");
		for (int i = 0; i < 5; i++) {
			this.client.get()
				.uri("/api/subscriptions")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + alice)
				.exchange()
				.expectStatus()
				.isOk();
		}
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + alice)
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + bob)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-RateLimit-Remaining", "4");
	}

}
