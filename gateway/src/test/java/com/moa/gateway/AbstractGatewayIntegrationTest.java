package com.moa.gateway;

import java.time.Duration;

import com.moa.platform.testing.LocalPorts;
import com.moa.platform.testing.TestRedis;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One shared context for the gateway's integration tests: the real gateway on a random
 * port, its own Redis database, every service route pointed at {@link TestBackend}, and
 * the search route pointed at a closed port (a downed service), a 1.5 s upstream response
 * timeout and 1 s for a request's body to arrive. Limits are high so the tests don't trip
 * them; {@code RateLimitIntegrationTests} has its own context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Limits out of the way by default; a subclass's @TestPropertySource overrides them.
@TestPropertySource(
		properties = { "moa.gateway.rate-limit.api.requests=100000", "moa.gateway.rate-limit.auth.requests=100000",
				"moa.gateway.upstream.response-timeout=1500ms", "moa.gateway.upstream.request-body-timeout=1s" })
@Import(TestRedis.class)
abstract class AbstractGatewayIntegrationTest {

	static final int CLOSED_PORT = LocalPorts.closed();

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		TestBackend backend = TestBackend.get();
		registry.add("MOA_AUTH_URL", backend::url);
		registry.add("MOA_LOOKUP_URL", backend::url);
		registry.add("MOA_SELLER_URL", backend::url);
		registry.add("MOA_PAYMENT_URL", backend::url);
		registry.add("MOA_CHAT_URL", backend::url);
		registry.add("MOA_SEARCH_URL", () -> "http://127.0.0.1:" + CLOSED_PORT);
		registry.add("MOA_JWK_SET_URI", backend::jwksUrl);
	}

	@BeforeEach
	void setUpClient() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(15))
			.build();
	}

	/** Sends the request, expects 200 and answers its {@code X-Request-Id}. */
	static String requestIdOf(WebTestClient.RequestHeadersSpec<?> request) {
		return request.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("X-Request-Id");
	}

	/**
	 * The status of a sign-in attempt (its rate limit is checked in Redis, failing
	 * closed).
	 */
	int loginStatus() {
		return this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
	}

	static String bearer(String token) {
		return "Bearer " + token;
	}

}
