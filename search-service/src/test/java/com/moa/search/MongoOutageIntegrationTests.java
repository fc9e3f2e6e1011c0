package com.moa.search;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventTopology;
import com.moa.search.events.MongoInbox;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * MongoDB really away (the proxy in front of it cut): history answers 503 problem JSON
 * within seconds, popular keywords come from the last answer, searches made meanwhile
 * wait in their queue (none in the .dlq) and are in the history once MongoDB is back.
 */
class MongoOutageIntegrationTests extends SearchIntegrationTestSupport {

	@Autowired
	MongoInbox inbox;

	@Autowired
	SearchProperties properties;

	@Test
	void historyFailsFastPopularServesItsLastAnswerAndSearchesWaitForMongo() throws Exception {
		UUID user = UUID.randomUUID();
		searchedByNewUsers(MIN_SEARCHERS - 1, "before", Instant.now());
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

	/**
	 * MongoDB goes away in the middle of an event's effect, so the attempt cannot give
	 * its claim back either: once MongoDB is back and the claim's lease ran out, the
	 * retry runs the effect (it used to find the record and skip the event: a lost
	 * search).
	 */
	@Test
	void anEventWhoseEffectWasCutOffByAnOutageIsHandledWhenMongoIsBack() {
		EventEnvelope event = new EventEnvelope(UUID.randomUUID(), "test", "search.performed", Instant.now(), "subject",
				1, this.jsonMapper.createObjectNode());
		AtomicInteger effects = new AtomicInteger();
		try {
			assertThatException().isThrownBy(() -> this.inbox.receive("outage-test", event, (received) -> {
				this.mongoProxy.cut();
				throw new DataAccessResourceFailureException("MongoDB went away during the effect");
			}));
		}
		finally {
			this.mongoProxy.restore();
		}

		assertThatException().as("the claim's lease has not run out")
			.isThrownBy(() -> this.inbox.receive("outage-test", event, (received) -> effects.incrementAndGet()))
			.isInstanceOf(TransientDataAccessException.class);
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.inbox.receive("outage-test", event, (received) -> effects.incrementAndGet())).isTrue();
		assertThat(this.inbox.receive("outage-test", event, (received) -> effects.incrementAndGet())).isFalse();
		assertThat(effects).hasValue(1);
	}

	/**
	 * An instance (re)started while MongoDB is away must come up: its indexes, only for
	 * speed, are created once MongoDB answers (an exception from a startup runner would
	 * abort the start).
	 */
	@Test
	void indexesWaitForMongoInsteadOfStoppingTheStart() {
		SearchIndexes indexes = new SearchIndexes(this.mongo);
		this.mongoProxy.cut();
		try {
			assertThatNoException().isThrownBy(() -> indexes.run(null));
			assertThat(indexes.created()).isFalse();
		}
		finally {
			this.mongoProxy.restore();
		}
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			indexes.ensureAll();
			assertThat(indexes.created()).isTrue();
		});
	}

	/** The same event delivered twice at once (a producer's republish): one effect. */
	@Test
	void aDuplicateArrivingWhileTheFirstIsHandledIsNotHandledTwice() throws Exception {
		EventEnvelope event = new EventEnvelope(UUID.randomUUID(), "test", "search.performed", Instant.now(), "subject",
				1, this.jsonMapper.createObjectNode());
		AtomicInteger effects = new AtomicInteger();
		CountDownLatch inEffect = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		CompletableFuture<Boolean> first = CompletableFuture
			.supplyAsync(() -> this.inbox.receive("duplicate-test", event, (received) -> {
				effects.incrementAndGet();
				inEffect.countDown();
				await().until(() -> finish.getCount() == 0);
			}));
		assertThat(inEffect.await(10, TimeUnit.SECONDS)).isTrue();

		assertThatException()
			.isThrownBy(() -> this.inbox.receive("duplicate-test", event, (received) -> effects.incrementAndGet()))
			.isInstanceOf(TransientDataAccessException.class);
		finish.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.inbox.receive("duplicate-test", event, (received) -> effects.incrementAndGet())).isFalse();
		assertThat(effects).hasValue(1);
	}

	/**
	 * An attempt that outlived its lease (a long pause) and then fails gives back only
	 * its own claim, not the one of the attempt that took the event over meanwhile: a
	 * third delivery must wait for that one, not run the effect beside it.
	 */
	@Test
	void anAttemptPastItsLeaseLeavesTheClaimOfTheOneThatTookOver() throws Exception {
		EventEnvelope event = new EventEnvelope(UUID.randomUUID(), "test", "search.performed", Instant.now(), "subject",
				1, this.jsonMapper.createObjectNode());
		AtomicInteger effects = new AtomicInteger();
		CountDownLatch takenOver = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		CompletableFuture<Boolean> second = new CompletableFuture<>();
		assertThatException().isThrownBy(() -> this.inbox.receive("takeover-test", event, (paused) -> {
			effects.incrementAndGet();
			this.clock.advance(this.properties.mongoTimeout().multipliedBy(50).plusSeconds(1));
			CompletableFuture.runAsync(() -> second.complete(this.inbox.receive("takeover-test", event, (received) -> {
				effects.incrementAndGet();
				takenOver.countDown();
				await().until(() -> finish.getCount() == 0);
			})));
			try {
				assertThat(takenOver.await(10, TimeUnit.SECONDS)).isTrue();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			throw new IllegalStateException("the paused attempt fails after all");
		})).withMessage("the paused attempt fails after all");

		assertThatException()
			.isThrownBy(() -> this.inbox.receive("takeover-test", event, (received) -> effects.incrementAndGet()))
			.isInstanceOf(TransientDataAccessException.class);
		finish.countDown();
		assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.inbox.receive("takeover-test", event, (received) -> effects.incrementAndGet())).isFalse();
		assertThat(effects).hasValue(2);
	}

}
