package com.moa.gateway;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing through the real gateway to an in-test backend: paths intact, public and
 * protected routes, the seller role, identity headers, request ids, downed services,
 * unknown paths, per-service API docs and the gateway's own actuator.
 */
@ExtendWith(OutputCaptureExtension.class)
class GatewayRoutingIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	@Test
	void routesAuthenticatedRequestWithPathQueryAndTokenIntact() {
		String path = "/api/subscriptions/" + UUID.randomUUID() + "?status=ACTIVE";
		String token = TestBackend.SIGNER.token("CONSUMER");
		this.client.get()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.backend")
			.isEqualTo(true);
		List<TestBackend.Received> hits = this.backend.received(path::equals);
		assertThat(hits).singleElement()
			.satisfies((hit) -> assertThat(hit.headers()).containsEntry("authorization", "Bearer " + token));
	}

	@Test
	void routesPublicProductBrowsingWithoutToken() {
		String marker = UUID.randomUUID().toString();
		this.client.get().uri("/api/products?q=" + marker).exchange().expectStatus().isOk();
		this.client.get().uri("/api/categories").exchange().expectStatus().isOk();
		assertThat(this.backend.received((uri) -> uri.equals("/api/products?q=" + marker))).hasSize(1);
	}

	@Test
	void answersHeadOnEveryPublicReadWithoutToken() {
		// The services answer HEAD wherever they answer GET; the gateway let it through
		// only for the catalog (HEAD /api/search/popular was 401).
		this.client.head().uri("/api/products").exchange().expectStatus().isOk();
		this.client.head().uri("/api/categories").exchange().expectStatus().isOk();
		this.client.head().uri("/api/auth/.well-known/jwks.json").exchange().expectStatus().isOk();
		this.client.head().uri("/api/search/popular").exchange().expectStatus().isEqualTo(503);
		this.client.head().uri("/api/search/suggestions?prefix=a").exchange().expectStatus().isEqualTo(503);
		this.client.head().uri("/api/search/history").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void rejectsProtectedRouteWithoutTokenAsProblem() {
		String path = "/api/subscriptions/" + UUID.randomUUID();
		this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/unauthorized")
			.jsonPath("$.title")
			.isEqualTo("Unauthorized")
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.detail")
			.isNotEmpty();
		assertThat(this.backend.received(path::equals)).isEmpty();
	}

	@Test
	void requiresTokenForLogoutAndMeButNotForLoginSignupRefreshOrJwks() {
		this.client.get().uri("/api/auth/me").exchange().expectStatus().isUnauthorized();
		this.client.post().uri("/api/auth/logout").exchange().expectStatus().isUnauthorized();
		this.client.post().uri("/api/auth/login").exchange().expectStatus().isOk();
		this.client.post().uri("/api/auth/signup").exchange().expectStatus().isOk();
		this.client.post().uri("/api/auth/refresh").exchange().expectStatus().isOk();
		this.client.get().uri("/api/auth/.well-known/jwks.json").exchange().expectStatus().isOk();
		this.client.get().uri("/api/search/popular?window=24h").exchange().expectStatus().is5xxServerError();
		this.client.get().uri("/api/search/history").exchange().expectStatus().isUnauthorized();
		this.client.get()
			.uri("/api/auth/me")
			.header(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token("CONSUMER")))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void forbidsSellerRoutesToConsumersAsProblem() {
		String path = "/api/seller/products/" + UUID.randomUUID();
		this.client.get()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token("CONSUMER")))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/forbidden")
			.jsonPath("$.status")
			.isEqualTo(403);
		assertThat(this.backend.received(path::equals)).isEmpty();
		this.client.get()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token("SELLER")))
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.received(path::equals)).hasSize(1);
	}

	@Test
	void neverForwardsClientSentIdentityHeaders() {
		String path = "/api/products/" + UUID.randomUUID();
		this.client.get()
			.uri(path)
			.header("X-User-Id", UUID.randomUUID().toString())
			.header("x-user-role", "ADMIN")
			.header("X-USER-EMAIL", "evil@example.com")
			.header(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token("CONSUMER")))
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.received(path::equals)).singleElement()
			.satisfies((hit) -> assertThat(hit.headers().keySet()).noneMatch((name) -> name.startsWith("x-user-"))
				.contains("authorization"));
	}

	@Test
	void replacesClientSentForwardingHeadersWithTheRealPeer() {
		String path = "/api/products/" + UUID.randomUUID();
		this.client.get()
			.uri(path)
			.header("X-Forwarded-For", "203.0.113.7")
			.header("Forwarded", "for=203.0.113.7")
			.header("X-Real-IP", "203.0.113.7")
			.header("X-Operator-Key", "guessed")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.received(path::equals)).singleElement().satisfies((hit) -> {
			assertThat(hit.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
			assertThat(hit.headers().get("forwarded")).doesNotContain("203.0.113.7").contains("for=\"127.0.0.1");
			assertThat(hit.headers()).doesNotContainKey("x-real-ip").doesNotContainKey("x-operator-key");
		});
	}

	@Test
	void answersWithTheTraceIdAndPassesTheTraceOnToTheService() {
		String path = "/api/products/" + UUID.randomUUID();
		String requestId = requestIdOf(this.client.get().uri(path).header("X-Request-Id", "client-req-42"));
		assertThat(requestId).matches("[0-9a-f]{32}");
		assertThat(this.backend.received(path::equals)).singleElement().satisfies((hit) -> {
			assertThat(hit.headers().get("traceparent")).startsWith("00-" + requestId + "-");
			// A client's own id is not passed on: the trace id is the request's id.
			assertThat(hit.headers()).doesNotContainKey("x-request-id");
		});
	}

	@Test
	void continuesTheClientsTrace() {
		String path = "/api/products/" + UUID.randomUUID();
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		this.client.get()
			.uri(path)
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Request-Id", traceId);
		assertThat(this.backend.received(path::equals)).singleElement()
			.satisfies((hit) -> assertThat(hit.headers().get("traceparent")).startsWith("00-" + traceId + "-"));
	}

	@Test
	void answersDownedServiceWith503ProblemWithinThreeSeconds(CapturedOutput output) {
		long started = System.nanoTime();
		this.client.get()
			.uri("/api/search/popular")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "5")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/service-unavailable")
			.jsonPath("$.status")
			.isEqualTo(503)
			.jsonPath("$.title")
			.isNotEmpty()
			.jsonPath("$.detail")
			.isNotEmpty()
			.jsonPath("$.route")
			.isEqualTo("search");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		// Its warning (unless this route's was logged within 10 s) names the client's
		// path,
		// not the breaker's fallback; ProblemResponsesTests checks it deterministically.
		assertThat(output.getAll().lines().filter((line) -> line.contains("Route search answered 503")))
			.allSatisfy((line) -> assertThat(line).contains("for GET /api/search/popular"));
	}

	@Test
	void answersSlowServiceWith504ProblemAfterTheResponseTimeout() {
		long started = System.nanoTime();
		this.client.get()
			.uri("/api/products/slow-" + UUID.randomUUID())
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/upstream-timeout")
			.jsonPath("$.route")
			.isEqualTo("lookup");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void hidesTheCircuitBreakerFallbackFromClients() {
		this.client.get().uri("/fallback/upstream").exchange().expectStatus().isNotFound();
	}

	@Test
	void answersUnroutedPathWith404Problem() {
		this.client.get()
			.uri("/no/such/route")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/not-found")
			.jsonPath("$.status")
			.isEqualTo(404);
	}

	@Test
	void routesEachServicesApiDocsForTheAggregatedSwaggerUi() {
		int before = this.backend.received("/v3/api-docs"::equals).size();
		this.client.get().uri("/v3/api-docs/auth").exchange().expectStatus().isOk();
		assertThat(this.backend.received("/v3/api-docs"::equals)).hasSize(before + 1);
		this.client.get()
			.uri("/v3/api-docs/swagger-config")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.urls[?(@.name == 'auth')].url")
			.isEqualTo("/v3/api-docs/auth");
		this.client.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
	}

	@Test
	void servesOwnHealthProbesButKeepsMetricsClosed() {
		this.client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		this.client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		this.client.get()
			.uri("/actuator/prometheus")
			.header(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token("ADMIN")))
			.exchange()
			.expectStatus()
			.isOk();
	}

}
