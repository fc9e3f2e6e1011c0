package com.moa.gateway;

import java.time.Duration;
import java.util.UUID;

import com.moa.platform.testing.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request limits counted in a real Redis: the credential endpoints per client IP, the
 * rest of the API per user, with 429 problem JSON, {@code Retry-After} and
 * {@code X-RateLimit-Remaining}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "moa.gateway.rate-limit.api.requests=5", "moa.gateway.rate-limit.api.window=60s",
				"moa.gateway.rate-limit.auth.requests=3", "moa.gateway.rate-limit.auth.window=60s" })
@Import(TestRedis.class)
class RateLimitIntegrationTests {

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		TestBackend backend = TestBackend.get();
		registry.add("MOA_AUTH_URL", backend::url);
		registry.add("MOA_PAYMENT_URL", backend::url);
		registry.add("MOA_JWK_SET_URI", backend::jwksUrl);
	}

	@BeforeEach
	void setUpClient() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(15))
			.build();
	}

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
