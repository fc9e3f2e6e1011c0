package com.moa.search;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.moa.platform.events.EventTopology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MongoDB really away (the proxy in front of it cut): history answers 503 problem JSON
 * within seconds, popular keywords come from the last answer, searches made meanwhile
 * wait in their queue (none in the .dlq) and are in the history once MongoDB is back.
 */
class MongoOutageIntegrationTests extends SearchIntegrationTestSupport {

	@Test
	void historyFailsFastPopularServesItsLastAnswerAndSearchesWaitForMongo() throws Exception {
		UUID user = UUID.randomUUID();
		awaitSearch(searched(user, "before", Instant.now()));
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(get("/api/search/popular?limit=7", null)).hasStatusOk();

		this.mongoProxy.cut();
		try {
			searched(user, "during", Instant.now());
			long started = System.nanoTime();
			assertThat(get("/api/search/history", token(user))).hasStatus(503)
				.hasContentType("application/problem+json");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			this.clock.advance(Duration.ofMinutes(1));
			assertThat(get("/api/search/popular?limit=7", null)).hasStatusOk()
				.bodyJson()
				.extractingPath("$")
				.asArray()
				.isNotEmpty();
			assertThat(get("/api/search/suggestions?prefix=be", null)).hasStatus(503);
			assertThat(get("/actuator/health/readiness", null)).hasStatusOk();
			Thread.sleep(3000);
		}
		finally {
			this.mongoProxy.restore();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> history(user).contains("during"));
		assertThat(history(user)).containsExactly("during", "before");
		Message dead = this.rabbit.receive(EventTopology.deadLetterQueue("search.search-events"), 500);
		assertThat(dead).isNull();
	}

}
