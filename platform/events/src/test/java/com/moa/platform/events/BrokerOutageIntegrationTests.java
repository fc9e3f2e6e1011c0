package com.moa.platform.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.moa.platform.testing.TestRabbit;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox survives a RabbitMQ outage: events written while the broker is stopped stay
 * unpublished, and once it is back every one is published and has its effect exactly once
 * at an inbox consumer. Stops the shared local broker with {@code rabbitmqctl} for a few
 * seconds.
 */
@SpringBootTest
class BrokerOutageIntegrationTests {

	@Autowired
	EventPublisher publisher;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	DataSource dataSource;

	@Test
	void eventsWrittenWhileTheBrokerIsDownArePublishedWhenItReturnsAndHandledOnce() throws Exception {
		assumeThat(TestRabbit.rabbitmqctl("status")).as("rabbitmqctl can control the local broker").isZero();
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		List<UUID> ids = new ArrayList<>();
		assertThat(TestRabbit.rabbitmqctl("stop_app")).isZero();
		try {
			for (int i = 0; i < 20; i++) {
				int n = i;
				ids.add(this.transaction
					.execute((status) -> this.publisher.publish("test.outage", "product-" + n, Map.of("n", n)))
					.id());
			}
			// Let the relay try (and fail) a few rounds.
			await().atMost(Duration.ofSeconds(5)).until(() -> attempted(jdbc, ids) == ids.size());
			assertThat(publishedCount(jdbc, ids)).isZero();
		}
		finally {
			assertThat(TestRabbit.rabbitmqctl("start_app")).isZero();
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> publishedCount(jdbc, ids) == ids.size());
		await().atMost(Duration.ofSeconds(60)).until(() -> effectRows(jdbc, ids) >= ids.size());
		// Give any duplicate a moment to show up before counting.
		Thread.sleep(500);
		assertThat(effectRows(jdbc, ids)).isEqualTo(ids.size());
		assertThat(jdbc.sql("SELECT count(DISTINCT event_id) FROM test_effects WHERE event_id IN (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single()).isEqualTo(ids.size());
	}

	@Test
	void whileTheBrokerBlocksPublishersTheRelayPausesInsteadOfResendingInAnOpenTransaction() throws Exception {
		assumeThat(TestRabbit.rabbitmqctl("status")).as("rabbitmqctl can control the local broker").isZero();
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		// The relay's connection is up, as in a running service.
		UUID first = this.transaction
			.execute((status) -> this.publisher.publish("probe.blocked", "product-0", Map.of("n", 0)))
			.id();
		await().atMost(Duration.ofSeconds(10)).until(() -> publishedCount(jdbc, List.of(first)) == 1);
		List<UUID> ids = new ArrayList<>();
		// A memory alarm as RabbitMQ raises it when it runs short: it stops reading from
		// every publishing connection until the alarm clears.
		assertThat(TestRabbit.rabbitmqctl("eval", "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []})."))
			.isZero();
		try {
			// In one transaction, so that one round claims them all.
			this.transaction.executeWithoutResult((status) -> {
				for (int n = 0; n < 20; n++) {
					ids.add(this.publisher.publish("probe.blocked", "product-" + n, Map.of("n", n)).id());
				}
			});
			// The first round sends into the blocked connection and waits out its
			// confirms.
			await().atMost(Duration.ofSeconds(15)).until(() -> attempted(jdbc, ids) == ids.size());
			// Two more confirm timeouts: a relay that did not notice would have claimed
			// the
			// rows again twice, each time holding their locks for the whole wait.
			Thread.sleep(11_000);
			assertThat(maxAttempts(jdbc, ids)).as("rounds that claimed the rows").isEqualTo(1);
			assertThat(openOutboxTransactions(jdbc)).as("relay transactions left open").isZero();
			assertThat(publishedCount(jdbc, ids)).isZero();
		}
		finally {
			assertThat(TestRabbit.rabbitmqctl("eval", "rabbit_alarm:clear_alarm({resource_limit, memory, node()})."))
				.isZero();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> publishedCount(jdbc, ids) == ids.size());
	}

	private static int maxAttempts(JdbcClient jdbc, List<UUID> ids) {
		return jdbc.sql("SELECT max(attempts) FROM event_outbox WHERE id IN (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single();
	}

	private static int openOutboxTransactions(JdbcClient jdbc) {
		return jdbc
			.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND state = 'idle in transaction' AND query LIKE '%FROM event_outbox%FOR UPDATE%'")
			.query(Integer.class)
			.single();
	}

	private static int attempted(JdbcClient jdbc, List<UUID> ids) {
		return jdbc.sql("SELECT count(*) FROM event_outbox WHERE attempts > 0 AND id IN (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single();
	}

	private static int publishedCount(JdbcClient jdbc, List<UUID> ids) {
		return jdbc.sql("SELECT count(*) FROM event_outbox WHERE published_at IS NOT NULL AND id IN (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single();
	}

	private static int effectRows(JdbcClient jdbc, List<UUID> ids) {
		return jdbc.sql("SELECT count(*) FROM test_effects WHERE event_id IN (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single();
	}

}
