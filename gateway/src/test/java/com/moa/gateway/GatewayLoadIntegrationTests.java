package com.moa.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway under concurrent load: a healthy service behind it answers every request,
 * whatever the concurrency, and its breaker stays closed; a service that is really down
 * still opens its breaker.
 *
 * <p>
 * The production response timeout (10 s) rather than the shared context's 1.5 s: 256
 * requests through one JVM on 2 cores, gateway and backend, can take longer than that
 * when cold, and a 504 then says nothing about concurrency. What is guarded (no rejection
 * such as a bulkhead's 503, the breaker closed) does not depend on it.
 */
@TestPropertySource(properties = "moa.gateway.upstream.response-timeout=10s")
class GatewayLoadIntegrationTests extends AbstractGatewayIntegrationTest {

	private static final int CLIENTS = 256;

	@Autowired
	CircuitBreakerRegistry breakers;

	@Test
	void answers256ConcurrentClientsWithoutA5xxAndKeepsTheBreakerClosed() throws Exception {
		// A small burst first, so the big one does not also pay for class loading and
		// JIT.
		assertThat(fireConcurrently("/api/products/hold-", 16)).as("warm-up").containsOnlyKeys(200);
		// Each backend answer takes 300 ms, so the 256 requests are in flight together.
		Map<Integer, Long> statuses = fireConcurrently("/api/products/hold-", CLIENTS);
		assertThat(statuses).containsOnlyKeys(200).containsEntry(200, (long) CLIENTS);
		assertThat(this.breakers.circuitBreaker("lookup").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breakers.circuitBreaker("lookup").getMetrics().getNumberOfFailedCalls()).isZero();
		// A second burst right after: nothing was left open or exhausted by the first.
		assertThat(fireConcurrently("/api/products/hold-", CLIENTS)).containsOnlyKeys(200);
	}

	@Test
	void stillOpensTheBreakerForAServiceThatIsReallyDown() {
		for (int i = 0; i < 12; i++) {
			this.client.get().uri("/api/search/popular?i=" + i).exchange().expectStatus().isEqualTo(503);
		}
		assertThat(this.breakers.circuitBreaker("search").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.breakers.circuitBreaker("lookup").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	/** Status code → how many of the {@code clients} concurrent requests got it. */
	private Map<Integer, Long> fireConcurrently(String pathPrefix, int clients) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(32);
		// One connection per request in flight (HTTP/1.1): 256 concurrent clients.
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.executor(executor)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		try {
			List<CompletableFuture<Integer>> responses = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				HttpRequest request = HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathPrefix + UUID.randomUUID()))
					.timeout(Duration.ofSeconds(20))
					.build();
				responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
					.thenApply(HttpResponse::statusCode));
			}
			CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();
			return responses.stream()
				.map(CompletableFuture::join)
				.collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
		}
		finally {
			executor.shutdownNow();
		}
	}

}
