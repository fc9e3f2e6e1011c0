package com.moa.gateway;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API limits above 10 per window are counted in Redis a batch at a time (a tenth of the
 * limit): far fewer round trips, the same limit, and permits another instance reserved
 * count against this one.
 */
@TestPropertySource(properties = { "moa.gateway.rate-limit.api.requests=500", "moa.gateway.rate-limit.api.window=60s" })
class RateLimitBatchingIntegrationTests extends AbstractGatewayIntegrationTest {

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Test
	void permitsAreReservedFromRedisFiftyAtATimeAndTheLimitStaysExact() {
		UUID user = UUID.randomUUID();
		String token = TestBackend.SIGNER.token(user, "CONSUMER");
		for (int i = 1; i <= 120; i++) {
			String remaining = get(token, 200);
			assertThat(remaining).as("request %s", i).isEqualTo(String.valueOf(500 - i));
		}
		// 120 requests, three reservations of 50: three Redis round trips instead of 120.
		assertThat(counter(user)).isEqualTo("150");
		for (int i = 121; i <= 500; i++) {
			get(token, 200);
		}
		get(token, 429);
		assertThat(counter(user)).isEqualTo("550");
	}

	@Test
	void permitsReservedByAnotherInstanceCountHere() {
		UUID user = UUID.randomUUID();
		String token = TestBackend.SIGNER.token(user, "CONSUMER");
		// Another instance holds 480 of the 500 permits of this window.
		this.redis.opsForValue().set("moa:gateway:rl:api:user:" + user, "480").block();
		for (int i = 0; i < 20; i++) {
			get(token, 200);
		}
		get(token, 429);
	}

	private String get(String token, int status) {
		return this.client.get()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("X-RateLimit-Remaining");
	}

	private String counter(UUID user) {
		return this.redis.opsForValue().get("moa:gateway:rl:api:user:" + user).block();
	}

}
