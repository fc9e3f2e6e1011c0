package com.moa.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.moa.platform.testing.MovableClock;
import com.moa.platform.testing.TestJwts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import static com.moa.gateway.TestBackend.SIGNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JWK Set is fetched again for a key id it lacks (key rotation), but at most once per
 * 30 s whatever the number of such tokens: tokens with made-up key ids, refused before
 * the rate limits run, can't make the gateway hammer auth-service. A set older than five
 * minutes is fetched again, so a withdrawn key stops verifying. Time is a test clock.
 */
@Import(JwkSetRefreshIntegrationTests.Clocks.class)
class JwkSetRefreshIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	@Autowired
	MovableClock clock;

	@BeforeEach
	void loadTheKeys() {
		get(SIGNER.token("CONSUMER"), 200);
	}

	@Test
	void fetchesTheSetAtMostOncePerIntervalForUnknownKeyIds() {
		this.clock.advance(Duration.ofSeconds(31));
		int fetchesBefore = this.backend.jwks().fetches();
		List<String> tokens = IntStream.range(0, 20).mapToObj((i) -> withRandomKid()).toList();
		// Ten at once, ten one after the other.
		WebClient concurrent = WebClient.create("http://127.0.0.1:" + this.port);
		List<Integer> statuses = Flux.fromIterable(tokens.subList(0, 10))
			.flatMap((token) -> concurrent.get()
				.uri("/api/subscriptions")
				.header(HttpHeaders.AUTHORIZATION, bearer(token))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())))
			.collectList()
			.block(Duration.ofSeconds(15));
		assertThat(statuses).hasSize(10).containsOnly(401);
		tokens.subList(10, 20).forEach((token) -> get(token, 401));
		assertThat(this.backend.jwks().fetches() - fetchesBefore).isEqualTo(1);

		this.clock.advance(Duration.ofSeconds(29));
		get(withRandomKid(), 401);
		assertThat(this.backend.jwks().fetches() - fetchesBefore).isEqualTo(1);

		this.clock.advance(Duration.ofSeconds(2));
		get(withRandomKid(), 401);
		assertThat(this.backend.jwks().fetches() - fetchesBefore).isEqualTo(2);
	}

	@Test
	void fetchesTheSetAgainWhenATokenNamesANewlyPublishedKey() {
		this.clock.advance(Duration.ofSeconds(31));
		int fetchesBefore = this.backend.jwks().fetches();
		TestJwts rotated = TestJwts.withNewKey("rotated-" + UUID.randomUUID());
		this.backend.jwks().serve(TestJwts.jwksJson(SIGNER, rotated));
		this.client.get()
			.uri("/api/seller/dashboard")
			.header(HttpHeaders.AUTHORIZATION, bearer(rotated.token("SELLER")))
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.jwks().fetches()).isEqualTo(fetchesBefore + 1);
		// Keys published before the rotation still verify, without another fetch.
		get(SIGNER.token("CONSUMER"), 200);
		get(rotated.token("CONSUMER"), 200);
		assertThat(this.backend.jwks().fetches()).isEqualTo(fetchesBefore + 1);
	}

	@Test
	void aKeyAuthServiceWithdrewStopsVerifyingOnceTheSetIsOlderThanFiveMinutes() {
		this.clock.advance(Duration.ofSeconds(31));
		TestJwts leaked = TestJwts.withNewKey("leaked-" + UUID.randomUUID());
		this.backend.jwks().serve(TestJwts.jwksJson(SIGNER, leaked));
		get(leaked.token("CONSUMER"), 200);
		int fetchesBefore = this.backend.jwks().fetches();
		this.backend.jwks().serve(SIGNER.jwksJson());

		this.clock.advance(Duration.ofMinutes(4));
		get(leaked.token("CONSUMER"), 200);
		assertThat(this.backend.jwks().fetches()).as("younger than five minutes").isEqualTo(fetchesBefore);

		this.clock.advance(Duration.ofMinutes(1).plusSeconds(1));
		// Fetched again in the background: the request that noticed used the old set.
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> get(leaked.token("CONSUMER"), 401));
		get(SIGNER.token("CONSUMER"), 200);
		assertThat(this.backend.jwks().fetches()).isEqualTo(fetchesBefore + 1);
	}

	/**
	 * A token naming a key id nobody published (signed by the test key: the signature is
	 * never checked without a key).
	 */
	private static String withRandomKid() {
		String[] parts = SIGNER.token("CONSUMER").split("\\.");
		String header = "{\"alg\":\"RS256\",\"kid\":\"random-" + UUID.randomUUID() + "\"}";
		return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ parts[1] + "." + parts[2];
	}

	private void get(String token, int status) {
		this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isEqualTo(status);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		MovableClock testClock() {
			return new MovableClock();
		}

	}

}
