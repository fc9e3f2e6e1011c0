package com.moa.gateway;

import java.time.Duration;
import java.util.UUID;

import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis lost while the gateway runs (the connection cut, not a port that never answered):
 * while Lettuce reconnects, a rate-limit check fails at once instead of waiting out the
 * command timeout, so sign-in fails closed and browsing fails open without a delay; both
 * use Redis again once it is back. The timeout is 5 s here so a wait could not hide in
 * the machine's noise.
 */
@TestPropertySource(properties = { "spring.data.redis.timeout=5s", "moa.gateway.rate-limit.redis-timeout=5s" })
@Import(RedisCutIntegrationTests.ProxiedRedis.class)
class RedisCutIntegrationTests extends AbstractGatewayIntegrationTest {

	private static final Duration WELL_UNDER_THE_TIMEOUT = Duration.ofMillis(2500);

	static TcpProxy redisProxy;

	@AfterAll
	static void closeProxy() {
		redisProxy.close();
	}

	@Test
	void aCutRedisFailsChecksAtOnceUntilItIsBack() {
		assertThat(loginStatus()).isNotEqualTo(503);

		redisProxy.cut();
		try {
			for (int i = 0; i < 3; i++) {
				long started = System.nanoTime();
				assertThat(loginStatus()).isEqualTo(503);
				assertThat(browseAsNewUser()).isEqualTo(200);
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WELL_UNDER_THE_TIMEOUT);
			}
		}
		finally {
			redisProxy.restore();
		}

		await().atMost(Duration.ofSeconds(20)).until(() -> loginStatus() != 503);
	}

	private int browseAsNewUser() {
		return this.client.get()
			.uri("/api/products?q=" + UUID.randomUUID())
			.header(HttpHeaders.AUTHORIZATION, bearer(TestBackend.SIGNER.token(UUID.randomUUID(), "CONSUMER")))
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ProxiedRedis {

		/** The database TestRedis leased for this context, reached through the proxy. */
		@Bean
		@Primary
		DataRedisConnectionDetails proxiedRedis(
				@Qualifier("testRedisConnectionDetails") DataRedisConnectionDetails testRedis) {
			DataRedisConnectionDetails.Standalone leased = testRedis.getStandalone();
			redisProxy = new TcpProxy(leased.getHost(), leased.getPort());
			return TestRedis.through(redisProxy, testRedis);
		}

	}

}
