package com.moa.payment.subscription;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.moa.payment.PaymentIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100 concurrent purchases with one key (a client retrying in a panic, a double tap
 * replayed by a flaky network), over real HTTP: one charge, one subscription, and every
 * request answered the same way.
 */
class IdempotencyConcurrencyIntegrationTests extends PaymentIntegrationTestSupport {

	@Test
	void oneHundredConcurrentRequestsWithOneKeyChargeOnceAndAllGetTheSameAnswer() throws Exception {
		Product product = product(11000);
		String token = consumer();
		String key = UUID.randomUUID().toString();
		String body = """
				{"productId":"%s","planId":"%s","paymentMethod":{"token":"tok_ok"}}""".formatted(product.id,
				product.monthlyPlan);
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		ExecutorService pool = Executors.newFixedThreadPool(100);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<HttpResponse<String>>> responses = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				responses.add(pool.submit(() -> {
					start.await();
					return http
						.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/subscriptions"))
							.timeout(Duration.ofSeconds(30))
							.header("Authorization", "Bearer " + token)
							.header("Idempotency-Key", key)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build(), HttpResponse.BodyHandlers.ofString());
				}));
			}
			start.countDown();
			List<HttpResponse<String>> answers = new ArrayList<>();
			for (Future<HttpResponse<String>> response : responses) {
				answers.add(response.get());
			}

			assertThat(answers).allSatisfy((answer) -> assertThat(answer.statusCode()).isEqualTo(201));
			Set<String> bodies = answers.stream().map(HttpResponse::body).collect(Collectors.toSet());
			assertThat(bodies).hasSize(1);
			String id = com.jayway.jsonpath.JsonPath.read(bodies.iterator().next(), "$.id");
			assertThat(answers.stream().filter((a) -> a.headers().firstValue("Idempotent-Replayed").isPresent()))
				.hasSize(99);
			assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 11000");
			assertThat(providerCharges(id)).isEqualTo(1);
			assertThat(get("/api/subscriptions", token)).bodyJson().extractingPath("$.length()").isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

}
