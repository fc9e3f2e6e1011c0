package com.moa.platform.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Inbox rows are deleted once older than the retention, in batches, by several instances
 * at once without deleting a row twice or failing; younger rows stay. The index the
 * deletes use is built by the service itself, concurrently.
 */
@SpringBootTest
class InboxRetentionIntegrationTests {

	// Far beyond anything other tests (or earlier runs on this database) left behind.
	private static final Duration RETENTION = Duration.ofDays(3650);

	@Autowired
	DataSource dataSource;

	@Autowired
	InboxRetention configured;

	@Test
	void twoInstancesDeleteEveryExpiredRowOnceAndKeepTheRest() throws Exception {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		String consumer = "retention-" + System.nanoTime();
		int expired = InboxRetention.BATCH * 2 + 123;
		jdbc.sql("""
				INSERT INTO event_inbox (consumer, event_id, type, received_at)
				SELECT :consumer, gen_random_uuid(), 'test.old', now() - make_interval(days => 3651)
				FROM generate_series(1, :count)""").param("consumer", consumer).param("count", expired).update();
		jdbc.sql("""
				INSERT INTO event_inbox (consumer, event_id, type, received_at)
				SELECT :consumer, gen_random_uuid(), 'test.young', now() - make_interval(days => 3649)
				FROM generate_series(1, 10)""").param("consumer", consumer).update();

		// Until true: the context's own retention may be building it at this moment.
		InboxRetention builder = new InboxRetention(this.dataSource, RETENTION, Duration.ofHours(1));
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(builder::ensureIndex);
		assertThat(jdbc.sql("""
				SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ?""")
			.param(InboxRetention.INDEX)
			.query(Boolean.class)
			.single()).isTrue();

		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<Integer>> instances = Stream.of(1, 2).map((i) -> CompletableFuture.supplyAsync(() -> {
			InboxRetention retention = new InboxRetention(this.dataSource, RETENTION, Duration.ofHours(1));
			await(start);
			return retention.prune();
		})).toList();
		start.countDown();

		int deleted = instances.stream().mapToInt(CompletableFuture::join).sum();
		assertThat(deleted).isEqualTo(expired);
		assertThat(jdbc.sql("SELECT type, count(*) FROM event_inbox WHERE consumer = ? GROUP BY type")
			.param(consumer)
			.query((rs, n) -> rs.getString(1) + " " + rs.getInt(2))
			.list()).containsExactly("test.young 10");
	}

	@Test
	void everyServiceWithAnInboxPrunesItAndARetentionShorterThanAnHourIsRefused() {
		assertThat(this.configured.isRunning()).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InboxRetention(this.dataSource, Duration.ofMinutes(59), Duration.ofHours(1)));
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
