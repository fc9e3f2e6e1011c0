package com.moa.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.moa.platform.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind the front proxy ({@code server.forward-headers-strategy=native}, as in
 * production) the client is the rightmost {@code X-Forwarded-For} entry, the one the
 * proxy appended: a client that forges {@code Forwarded: for=} or the leftmost
 * {@code X-Forwarded-For} entries still lands in its own login-limit bucket, and the
 * services are told its real address.
 */
@TestPropertySource(properties = { "server.forward-headers-strategy=native", "moa.gateway.rate-limit.auth.requests=10",
		"moa.gateway.rate-limit.auth.window=60s" })
class FrontProxyHeadersIntegrationTests extends AbstractGatewayIntegrationTest {

	private final TestBackend backend = TestBackend.get();

	/**
	 * Each row: the header lines ({@code &&} between them) of attempt {@code %1$d}, where
	 * {@code %2$s} is the address the proxy appended (the real client). Separate rows use
	 * separate clients.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"a new Forwarded for= each time|192.0.2.11|Forwarded: for=203.0.113.%1$d;proto=https && X-Forwarded-For: %2$s",
			"a forged leftmost X-Forwarded-For each time|192.0.2.12|X-Forwarded-For: 198.51.100.%1$d, %2$s",
			"both forged|192.0.2.13|Forwarded: for=\"[2001:db8::%1$d]\" && X-Forwarded-For: 198.51.100.%1$d, 203.0.113.%1$d, %2$s",
			"a forged X-Forwarded-For line before the proxy's|192.0.2.14|X-Forwarded-For: 198.51.100.%1$d && X-Forwarded-For: %2$s" })
	void limitsLoginsByTheAddressTheProxyAppended(String description, String client, String headers) {
		String attempt = UUID.randomUUID().toString();
		List<Integer> statuses = new ArrayList<>();
		for (int i = 1; i <= 11; i++) {
			statuses.add(login(attempt, headers.formatted(i, client).split(" && ")).status());
		}
		assertThat(statuses).as(description).containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429);
		List<TestBackend.Received> hits = this.backend.received((uri) -> uri.contains(attempt));
		assertThat(hits).hasSize(10).allSatisfy((hit) -> {
			assertThat(hit.headers().get("x-forwarded-for")).isEqualTo(client);
			assertThat(hit.headers().get("forwarded")).contains("for=\"" + client + ":")
				.doesNotContain("203.0.113.")
				.doesNotContain("2001:db8");
		});
	}

	/**
	 * An IPv6 subscriber holds a whole /64: a new address in it for every attempt still
	 * counts against one login bucket; the next /64 is another client.
	 */
	@Test
	void limitsAnIpv6ClientByItsSlash64() {
		String attempt = UUID.randomUUID().toString();
		// A /64 of its own for this run (limits live in Redis for the window).
		String network = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + ":";
		List<Integer> statuses = new ArrayList<>();
		for (int i = 1; i <= 11; i++) {
			statuses
				.add(login(attempt, "X-Forwarded-For: " + network + "1:" + Integer.toHexString(i) + "::" + i).status());
		}
		assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429);
		assertThat(login(attempt, "X-Forwarded-For: " + network + "2::1").status()).isEqualTo(200);
	}

	@Test
	void ignoresForwardedWithoutXForwardedForAndUsesTheConnectionsPeer() {
		String attempt = UUID.randomUUID().toString();
		List<Integer> statuses = new ArrayList<>();
		for (int i = 1; i <= 11; i++) {
			statuses.add(login(attempt, "Forwarded: for=203.0.113." + i).status());
		}
		assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429);
		assertThat(this.backend.received((uri) -> uri.contains(attempt))).hasSize(10)
			.allSatisfy((hit) -> assertThat(hit.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1"));
	}

	@Test
	void takesTheSchemeFromTheProxyAndNothingElseTheClientSent() {
		String path = "/api/products/" + UUID.randomUUID();
		RawHttp.Response response = RawHttp.send(this.port, "GET", path, "X-Forwarded-For: 192.0.2.15",
				"X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example.com", "X-Forwarded-Prefix: /evil",
				"Forwarded: for=203.0.113.1;host=evil.example.com");
		assertThat(response.status()).isEqualTo(200);
		assertThat(this.backend.received(path::equals)).singleElement().satisfies((hit) -> {
			assertThat(hit.headers().get("x-forwarded-for")).isEqualTo("192.0.2.15");
			assertThat(hit.headers().get("x-forwarded-proto")).isEqualTo("https");
			assertThat(hit.headers().get("x-forwarded-host")).doesNotContain("evil");
			assertThat(hit.headers()).doesNotContainKey("x-forwarded-prefix");
			assertThat(hit.headers().get("forwarded")).doesNotContain("evil").doesNotContain("203.0.113.");
		});
	}

	private RawHttp.Response login(String attempt, String... headerLines) {
		List<String> headers = new ArrayList<>(List.of(headerLines));
		headers.add("Content-Type: application/json");
		return RawHttp.send(this.port, "POST", "/api/auth/login?attempt=" + attempt, headers,
				"{}".getBytes(StandardCharsets.UTF_8));
	}

}
