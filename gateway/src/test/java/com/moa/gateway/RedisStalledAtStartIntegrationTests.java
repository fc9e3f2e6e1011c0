package com.moa.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis unreachable since the gateway started (connections open but nothing answers, as
 * when packets are dropped): Lettuce has no connection yet and opens one synchronously in
 * the thread that asks. Browsing and the gateway's own probes must still answer promptly
 * (rate limits fail open, sign-in closed), and Redis is used once it answers.
 */
@Import(RedisStalledAtStartIntegrationTests.StalledRedis.class)
class RedisStalledAtStartIntegrationTests extends AbstractGatewayIntegrationTest {

	static TcpProxy redisProxy;

	@AfterAll
	static void closeProxy() {
		redisProxy.close();
	}

	@Test
	void requestsAreAnsweredPromptlyUntilRedisAnswersAndThenLimited() {
		long started = System.nanoTime();
		List<CompletableFuture<Integer>> answers = IntStream.range(0, 24)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> status((i % 4 == 0) ? "/livez" : "/api/products")))
			.toList();

		assertThat(answers).allSatisfy((answer) -> assertThat(answer.join()).isEqualTo(200));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
		assertThat(loginStatus()).isEqualTo(503);

		redisProxy.restore();
		await().atMost(Duration.ofSeconds(20)).until(() -> loginStatus() != 503);
	}

	private int status(String path) {
		return this.client.get().uri(path).exchange().returnResult(String.class).getStatus().value();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class StalledRedis {

		/** The database TestRedis leased for this context, behind a proxy that stalls. */
		@Bean
		@Primary
		DataRedisConnectionDetails stalledRedis(
				@Qualifier("testRedisConnectionDetails") DataRedisConnectionDetails testRedis) {
			DataRedisConnectionDetails.Standalone leased = testRedis.getStandalone();
			redisProxy = new TcpProxy(leased.getHost(), leased.getPort());
			redisProxy.stall();
			return TestRedis.through(redisProxy, testRedis);
		}

	}

}
