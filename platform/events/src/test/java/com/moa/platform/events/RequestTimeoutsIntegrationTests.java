package com.moa.platform.events;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The statement and socket timeouts a service gives its pool bound requests, not the work
 * that may rightly take longer: migrations connect without them, and the inbox index
 * build lifts them on its connection and leaves them in place after.
 */
@SpringBootTest(properties = { "spring.datasource.hikari.data-source-properties.options=-c statement_timeout=1500",
		"spring.datasource.hikari.data-source-properties.socketTimeout=2",
		"spring.datasource.hikari.maximum-pool-size=2" })
class RequestTimeoutsIntegrationTests {

	@Autowired
	DataSource dataSource;

	@Autowired
	Flyway flyway;

	@Test
	void pooledStatementsAreBoundedMigrationsAreNot() {
		JdbcClient pool = JdbcClient.create(this.dataSource);
		assertThat(pool.sql("SHOW statement_timeout").query(String.class).single()).isEqualTo("1500ms");
		assertThatExceptionOfType(QueryTimeoutException.class)
			.isThrownBy(() -> pool.sql("SELECT pg_sleep(1.7)").query(Object.class).list());

		DataSource migrations = this.flyway.getConfiguration().getDataSource();
		assertThat(migrations).isNotSameAs(this.dataSource);
		JdbcClient migration = JdbcClient.create(migrations);
		assertThat(migration.sql("SHOW statement_timeout").query(String.class).single()).isEqualTo("0");
		migration.sql("SELECT pg_sleep(2.5)").query(Object.class).list();
	}

	@Test
	void theInboxIndexBuildOutlastsTheTimeoutsAndLeavesThemInPlace() throws Exception {
		JdbcClient pool = JdbcClient.create(this.dataSource);
		InboxRetention retention = new InboxRetention(this.dataSource, Duration.ofDays(30), Duration.ofHours(1));
		await().atMost(Duration.ofSeconds(30)).until(retention::ensureIndex);
		pool.sql("DROP INDEX CONCURRENTLY " + InboxRetention.INDEX).update();

		// CONCURRENTLY waits for every transaction that wrote to the table: this one
		// commits after the socket timeout (2 s) and the statement timeout (1.5 s).
		CountDownLatch written = new CountDownLatch(1);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			try (Connection connection = this.flyway.getConfiguration().getDataSource().getConnection();
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				statement.execute("INSERT INTO event_inbox (consumer, event_id, type, received_at) "
						+ "VALUES ('timeouts', gen_random_uuid(), 'test.slow', now())");
				written.countDown();
				Thread.sleep(3500);
				connection.commit();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();

		assertThat(retention.ensureIndex()).isTrue();
		writer.get(10, TimeUnit.SECONDS);

		// Both connections of the pool, the one that built the index among them, still
		// have the pool's timeouts.
		try (Connection one = this.dataSource.getConnection(); Connection two = this.dataSource.getConnection()) {
			for (Connection connection : new Connection[] { one, two }) {
				assertThat(connection.getNetworkTimeout()).isEqualTo(2000);
				try (Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery("SHOW statement_timeout")) {
					result.next();
					assertThat(result.getString(1)).isEqualTo("1500ms");
				}
			}
		}
	}

}
