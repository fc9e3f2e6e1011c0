package com.moa.platform.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static com.moa.platform.events.EventsTestSupport.body;
import static com.moa.platform.events.EventsTestSupport.published;
import static com.moa.platform.events.EventsTestSupport.receiveMatching;
import static com.moa.platform.events.EventsTestSupport.withMessageId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The outbox on a real PostgreSQL and RabbitMQ: what a committed transaction publishes
 * reaches a bound queue, what a rolled-back one publishes never leaves.
 */
@SpringBootTest
class OutboxIntegrationTests {

	@Autowired
	Tracer tracer;

	@Autowired
	EventPublisher publisher;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JsonMapper jsonMapper;

	@Autowired
	DataSource dataSource;

	@Autowired
	OutboxRelay relay;

	@Autowired
	ConnectionFactory connectionFactory;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	EventsProperties properties;

	@Test
	void twoInstancesRelayingOneOutboxSendEveryEventExactlyOnce() throws Exception {
		// A backlog of 1,000 events, then a second instance's relay on two threads of its
		// own
		// beside this context's scheduled one, until the outbox is empty.
		List<String> expected = new ArrayList<>();
		for (int batch = 0; batch < 20; batch++) {
			expected.addAll(this.transaction.execute((status) -> {
				List<String> ids = new ArrayList<>();
				for (int n = 0; n < 50; n++) {
					ids.add(this.publisher.publish("probe.relayed", "product-" + n, Map.of("n", n)).id().toString());
				}
				return ids;
			}));
		}
		OutboxRelay second = new OutboxRelay(JdbcClient.create(this.dataSource),
				new TransactionTemplate(this.transactionManager), this.connectionFactory, null,
				this.properties.relay());
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<?>> relays = new ArrayList<>();
			long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			for (int i = 0; i < 2; i++) {
				relays.add(threads.submit(() -> {
					while (System.nanoTime() < until
							&& jdbc.sql("SELECT count(*) FROM event_outbox WHERE published_at IS NULL")
								.query(Integer.class)
								.single() > 0) {
						second.relay();
					}
				}));
			}
			for (Future<?> relay : relays) {
				relay.get();
			}
		}
		finally {
			threads.shutdownNow();
		}

		Set<String> wanted = Set.copyOf(expected);
		Map<String, Integer> received = new HashMap<>();
		// Generous: the loop ends once every event arrived. On a slow machine a consumer
		// set up per message (receive with a timeout) took longer than 20 s for 1,000.
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		// Until every event arrived, then one more second for any duplicate still on its
		// way.
		long quietUntil = Long.MAX_VALUE;
		while (System.nanoTime() < Math.min(deadline, quietUntil)) {
			// basicGet while the queue has messages; wait for more only when it is empty.
			Message message = this.rabbit.receive(EventsTestApplication.PROBE_QUEUE);
			if (message == null) {
				message = this.rabbit.receive(EventsTestApplication.PROBE_QUEUE, 100);
			}
			if (message != null && wanted.contains(message.getMessageProperties().getMessageId())) {
				received.merge(message.getMessageProperties().getMessageId(), 1, Integer::sum);
			}
			if (quietUntil == Long.MAX_VALUE && received.size() == wanted.size()) {
				quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
			}
		}
		assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(wanted);
		assertThat(received).allSatisfy((id, copies) -> assertThat(copies).as("copies of %s", id).isEqualTo(1));
	}

	/**
	 * A relay stopped while it drains a backlog stops after the batch under way: it
	 * drained on for up to 6 s (then stop() gave up waiting and it went on) into the
	 * closing pool and broker connection, and what it sent then went out again after the
	 * restart.
	 */
	@Test
	void aRelayStoppedWhileDrainingABacklogStopsAfterTheBatchUnderWay() throws Exception {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		String type = "unbound.backlog-" + UUID.randomUUID();
		this.relay.stop();
		try {
			for (int batch = 0; batch < 20; batch++) {
				this.transaction.executeWithoutResult((status) -> {
					for (int n = 0; n < 500; n++) {
						this.publisher.publish(type, "product-" + n, Map.of("n", n));
					}
				});
			}
			OutboxRelay draining = new OutboxRelay(jdbc, new TransactionTemplate(this.transactionManager),
					this.connectionFactory, null, this.properties.relay());
			draining.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> publishedOfType(jdbc, type) >= 500);
			long stopping = System.nanoTime();
			draining.stop();
			Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);
			long sentByTheStop = publishedOfType(jdbc, type);
			Thread.sleep(1500);

			assertThat(publishedOfType(jdbc, type)).as("sent after stop() returned").isEqualTo(sentByTheStop);
			// It ends with the batch under way, not with the backlog.
			assertThat(sentByTheStop).as("sent before stop() returned").isLessThan(10_000);
			assertThat(stopTook).isLessThan(Duration.ofSeconds(2));
		}
		finally {
			jdbc.sql("UPDATE event_outbox SET published_at = now() WHERE type = ? AND published_at IS NULL")
				.param(type)
				.update();
			this.relay.start();
		}
	}

	private static long publishedOfType(JdbcClient jdbc, String type) {
		return jdbc.sql("SELECT count(*) FROM event_outbox WHERE type = ? AND published_at IS NOT NULL")
			.param(type)
			.query(Long.class)
			.single();
	}

	@Test
	void eventPublishedInACommittedTransactionArrivesWithItsEnvelopeAndTraceContext() {
		Span request = this.tracer.nextSpan().name("request").start();
		EventEnvelope event;
		try (Tracer.SpanInScope scope = this.tracer.withSpan(request)) {
			event = this.transaction.execute((status) -> this.publisher.publish("probe.created", "product-42",
					Map.of("title", "무선 키보드", "price", 9900)));
		}
		finally {
			request.end();
		}

		Message message = receiveMatching(this.rabbit, EventsTestApplication.PROBE_QUEUE, Duration.ofSeconds(10),
				withMessageId(event.id()));

		assertThat(message).as("message on the bound queue").isNotNull();
		assertThat(message.getMessageProperties().getReceivedExchange()).isEqualTo(EventTopology.EXCHANGE);
		assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("probe.created");
		// Sent later by the relay's thread, still in the publishing request's trace.
		assertThat(message.getMessageProperties().<String>getHeader(EventTopology.TRACEPARENT_HEADER))
			.startsWith("00-" + request.context().traceId() + "-");
		JsonNode json = this.jsonMapper.readTree(body(message));
		assertThat(json.get("id").stringValue()).isEqualTo(event.id().toString());
		assertThat(json.get("source").stringValue()).isEqualTo("events-tests");
		assertThat(json.get("type").stringValue()).isEqualTo("probe.created");
		assertThat(json.get("subject").stringValue()).isEqualTo("product-42");
		assertThat(json.get("dataversion").intValue()).isEqualTo(1);
		assertThat(Instant.parse(json.get("time").stringValue())).isEqualTo(event.time());
		assertThat(json.get("data").get("title").stringValue()).isEqualTo("무선 키보드");
		assertThat(json.get("data").get("price").intValue()).isEqualTo(9900);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(published(JdbcClient.create(this.dataSource), event.id())).isTrue());
	}

	@Test
	void eventPublishedInARolledBackTransactionIsNeverSent() {
		EventEnvelope rolledBack = this.transaction.execute((status) -> {
			EventEnvelope event = this.publisher.publish("probe.rolled-back", "product-7", Map.of("n", 1));
			status.setRollbackOnly();
			return event;
		});
		EventEnvelope committed = this.transaction
			.execute((status) -> this.publisher.publish("probe.committed", "product-8", Map.of("n", 2)));

		Message first = receiveMatching(this.rabbit, EventsTestApplication.PROBE_QUEUE, Duration.ofSeconds(10),
				withMessageId(committed.id()).or(withMessageId(rolledBack.id())));

		assertThat(first).as("the committed event, published after the rolled-back one").isNotNull();
		assertThat(first.getMessageProperties().getMessageId()).isEqualTo(committed.id().toString());
		assertThat(receiveMatching(this.rabbit, EventsTestApplication.PROBE_QUEUE, Duration.ofSeconds(1),
				withMessageId(rolledBack.id())))
			.isNull();
		assertThat(JdbcClient.create(this.dataSource)
			.sql("SELECT count(*) FROM event_outbox WHERE id = ?")
			.param(rolledBack.id())
			.query(Integer.class)
			.single()).isZero();
	}

	@Test
	void eventNoQueueIsBoundForIsStillMarkedPublishedOnceTheExchangeConfirmedIt() {
		EventEnvelope event = this.transaction
			.execute((status) -> this.publisher.publish("nobody.listens", "x-1", Map.of("n", 1)));

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(published(JdbcClient.create(this.dataSource), event.id())).isTrue());
	}

	@Test
	void relayDeletesOnlyRowsPublishedLongerAgoThanTheRetention() {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		EventEnvelope old = this.transaction.execute((status) -> this.publisher.publish("probe.old", "o", Map.of()));
		EventEnvelope recent = this.transaction
			.execute((status) -> this.publisher.publish("probe.recent", "r", Map.of()));
		await().atMost(Duration.ofSeconds(5)).until(() -> published(jdbc, old.id()) && published(jdbc, recent.id()));
		jdbc.sql("UPDATE event_outbox SET published_at = now() - interval '8 days' WHERE id = ?")
			.param(old.id())
			.update();

		assertThat(this.relay.prune()).isEqualTo(1);

		assertThat(jdbc.sql("SELECT id FROM event_outbox WHERE id IN (?, ?)")
			.params(old.id(), recent.id())
			.query(UUID.class)
			.list()).containsExactly(recent.id());
	}

	@Test
	void publishingOutsideATransactionFailsLoudly() {
		assertThatIllegalStateException().isThrownBy(() -> this.publisher.publish("probe.orphan", "x", Map.of()))
			.withMessageContaining("needs an active database transaction");
	}

}
