package com.moa.gateway;

import java.time.Duration;
import java.util.UUID;

import com.moa.platform.testing.RawHttp;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CORS for the configured dashboard origins only, and the {@code /ws/chat} upgrade
 * authenticated before it happens (header or {@code access_token} query parameter, the
 * latter only there).
 */
class CorsAndWebSocketIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	@Test
	void allowsPreflightFromConfiguredDashboardOrigin() {
		this.client.options()
			.uri("/api/seller/products")
			.header(HttpHeaders.ORIGIN, "http://localhost:5173")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "PUT")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "Authorization, If-Match, Idempotency-Key")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:5173")
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, (methods) -> assertThat(methods).contains("PUT"))
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, (headers) -> assertThat(headers.toLowerCase())
				.contains("authorization", "if-match", "idempotency-key"));
	}

	@Test
	void refusesPreflightFromUnknownOrigin() {
		this.client.options()
			.uri("/api/seller/products")
			.header(HttpHeaders.ORIGIN, "https://evil.example")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/cors-rejected");
	}

	@Test
	void exposesHeadersClientsNeedOnCrossOriginResponses() {
		this.client.get()
			.uri("/api/products")
			.header(HttpHeaders.ORIGIN, "http://localhost:3000")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:3000")
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, (exposed) -> assertThat(exposed).contains("ETag",
					"Retry-After", "X-Request-Id", "Idempotent-Replayed", "Link"));
	}

	@Test
	void refusesWebSocketUpgradeWithoutTokenBeforeUpgrading() {
		int before = this.backend.received((uri) -> uri.startsWith("/ws/chat")).size();
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/ws/chat", "Upgrade: websocket",
				"Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.isProblem()).isTrue();
		assertThat(this.backend.received((uri) -> uri.startsWith("/ws/chat"))).hasSize(before);
	}

	@Test
	void refusesWebSocketUpgradeWithInvalidQueryToken() {
		RawHttp.Response response = RawHttp.send(this.port, "GET",
				"/ws/chat?access_token=" + TestBackend.SIGNER.forgedByOtherKeySameKid("SELLER"), "Upgrade: websocket",
				"Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
		assertThat(response.status()).isEqualTo(401);
	}

	@Test
	void proxiesWebSocketUpgradeAuthenticatedByQueryParameter() {
		String token = TestBackend.SIGNER.token("CONSUMER");
		String greeting = HttpClient.create()
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/ws/chat?access_token=" + token + "&lang=ko")
			.handle((in, out) -> in.receiveFrames()
				.take(1)
				.map((frame) -> frame.content().toString(java.nio.charset.StandardCharsets.UTF_8)))
			.blockFirst(Duration.ofSeconds(10));
		assertThat(greeting).isEqualTo("hello from chat");
		// On as a header, not in the URI (chat-service logs a session with its URI).
		assertThat(this.backend.received((uri) -> uri.contains(token))).isEmpty();
		assertThat(this.backend.received((uri) -> uri.equals("/ws/chat?lang=ko")))
			.anySatisfy((upgrade) -> assertThat(upgrade.headers().get("authorization")).isEqualTo("Bearer " + token));
	}

	@Test
	void proxiesWebSocketUpgradeAuthenticatedByHeader() {
		String greeting = HttpClient.create()
			.headers((headers) -> headers.set(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token("SELLER"))))
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/ws/chat")
			.handle((in, out) -> in.receive().asString().take(1))
			.blockFirst(Duration.ofSeconds(10));
		assertThat(greeting).isEqualTo("hello from chat");
	}

	@Test
	void ignoresAccessTokenQueryParameterOutsideTheWebSocketPath() {
		String path = "/api/subscriptions/" + UUID.randomUUID();
		this.client.method(HttpMethod.GET)
			.uri(path + "?access_token=" + TestBackend.SIGNER.token("CONSUMER"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(this.backend.received((uri) -> uri.startsWith(path))).isEmpty();
	}

}
