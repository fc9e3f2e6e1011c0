package com.moa.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.moa.platform.testing.LocalPorts;
import com.moa.platform.testing.MovableClock;
import io.micrometer.core.instrument.MeterRegistry;
import com.moa.platform.testing.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deliberate Redis-outage behavior, with Redis pointed at a closed port: credential
 * endpoints fail closed (503 problem, nothing reaches auth-service), browsing fails open
 * (routed as usual), and neither hangs. The warnings carry the request id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@Import(RedisDownIntegrationTests.Clocks.class)
class RedisDownIntegrationTests {

	static final MovableClock clock = new MovableClock();

	@Autowired
	MeterRegistry meters;

	private final TestBackend backend = TestBackend.get();

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		TestBackend backend = TestBackend.get();
		int deadRedis = LocalPorts.closed();
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> deadRedis);
		registry.add("MOA_AUTH_URL", backend::url);
		registry.add("MOA_LOOKUP_URL", backend::url);
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
	void loginFailsClosedWith503WhenRedisIsDown() {
		int loginsBefore = this.backend.received("/api/auth/login"::equals).size();
		long started = System.nanoTime();
		this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/service-unavailable");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		assertThat(this.backend.received("/api/auth/login"::equals)).hasSize(loginsBefore);
	}

	@Test
	void encodedSignupPathIsRefusedRatherThanFailingOpen() {
		int before = this.backend.receivedAll().size();
		RawHttp.Response response = RawHttp.send(this.port, "POST", "/api/auth/signu%70",
				List.of("Content-Type: application/json"), "{}".getBytes(StandardCharsets.UTF_8));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.isProblem()).isTrue();
		assertThat(this.backend.receivedAll()).hasSize(before);
	}

	@Test
	void browsingFailsOpenWhenRedisIsDown() {
		String path = "/api/products?q=" + UUID.randomUUID();
		long started = System.nanoTime();
		this.client.get().uri(path).exchange().expectStatus().isOk();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		assertThat(this.backend.received(path::equals)).hasSize(1);
	}

	/**
	 * Every request is counted, but an outage is warned of once per 30 s, with the
	 * request id of the request it was logged for (a warning per request put thousands of
	 * lines a second in the log).
	 */
	@Test
	void anOutageIsWarnedOfEvery30SecondsWithTheRequestIdAndCountedForEveryRequest(CapturedOutput output) {
		clock.advance(Duration.ofSeconds(31));
		double before = this.meters.get("moa.gateway.rate.limit.unavailable").tag("failed", "open").counter().count();
		String requestId = AbstractGatewayIntegrationTest.requestIdOf(this.client.get().uri("/api/products"));
		assertThat(requestId).matches("[0-9a-f]{32}");
		assertThat(warnings(output)).singleElement().asString().contains("[" + requestId + ",");

		this.client.get().uri("/api/products").exchange().expectStatus().isOk();
		this.client.get().uri("/api/products").exchange().expectStatus().isOk();
		assertThat(warnings(output)).hasSize(1);
		assertThat(this.meters.get("moa.gateway.rate.limit.unavailable").tag("failed", "open").counter().count())
			.isEqualTo(before + 3);

		clock.advance(Duration.ofSeconds(31));
		String later = AbstractGatewayIntegrationTest.requestIdOf(this.client.get().uri("/api/products"));
		// Its own request id, never the previous warning's.
		assertThat(warnings(output)).hasSize(2).last().asString().contains("[" + later + ",").doesNotContain(requestId);
	}

	private static List<String> warnings(CapturedOutput output) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains("letting /api/products through unlimited"))
			.toList();
	}

	@Test
	void staysReadyWithoutRedis() {
		this.client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		Clock clock() {
			return clock;
		}

	}

}
