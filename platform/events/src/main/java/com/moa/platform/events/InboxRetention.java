package com.moa.platform.events;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;

/**
 * Deletes {@code event_inbox} rows older than {@code moa.events.inbox.retention}, every
 * {@code prune-interval}, so the table does not grow with every event ever consumed (a
 * seller-service instance records a view-stats event per viewed product every few
 * seconds). The inbox only has to outlive redeliveries: a lost acknowledgement or an
 * outbox relay that republishes after a crash, seconds to minutes later. A dead letter
 * replayed by an operator weeks later was never applied, so it never had a row. Several
 * instances prune at once safely: each batch takes rows no other one holds
 * ({@code SKIP LOCKED}), and batches keep each transaction short.
 * <p>
 * The index on {@code received_at} the deletes need is built here, {@code CONCURRENTLY},
 * by one instance at a time (a session advisory lock), not by a migration: on an inbox
 * that grew for months a plain {@code CREATE INDEX} blocks every consumer's insert for
 * the whole build, and Flyway's transactional lock makes {@code CONCURRENTLY} wait for
 * itself. Until the index is valid nothing is pruned.
 */
public class InboxRetention implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(InboxRetention.class);

	static final int BATCH = 5_000;

	static final String INDEX = "event_inbox_received_at";

	/** {@code pg_try_advisory_lock} key of the index build: "moa-inbx". */
	private static final long BUILD_LOCK = 0x6d6f612d696e6278L;

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final Duration retention;

	private final Duration interval;

	private ThreadPoolTaskScheduler scheduler;

	InboxRetention(DataSource dataSource, Duration retention, Duration interval) {
		Assert.isTrue(retention.compareTo(Duration.ofHours(1)) >= 0,
				"moa.events.inbox.retention must be at least an hour: redeliveries need their rows");
		Assert.isTrue(!interval.isNegative() && !interval.isZero(), "moa.events.inbox.prune-interval must be positive");
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		this.retention = retention;
		this.interval = interval;
	}

	/**
	 * Deletes every row older than the retention, a batch at a time, once the index is
	 * there (building it first if no other instance is).
	 * @return how many rows this call deleted
	 */
	public int prune() {
		if (!ensureIndex()) {
			return 0;
		}
		int total = 0;
		int deleted;
		do {
			deleted = this.jdbc.sql("""
					DELETE FROM event_inbox WHERE (consumer, event_id) IN (
					    SELECT consumer, event_id FROM event_inbox
					    WHERE received_at < now() - make_interval(secs => :seconds)
					    LIMIT :batch FOR UPDATE SKIP LOCKED)""")
				.param("seconds", this.retention.toSeconds())
				.param("batch", BATCH)
				.update();
			total += deleted;
		}
		while (deleted == BATCH);
		return total;
	}

	/**
	 * Whether the index is valid, building it if it is missing (or left invalid by a
	 * build that died) and no other instance is building it.
	 */
	boolean ensureIndex() {
		if (Boolean.TRUE.equals(indexValid())) {
			return true;
		}
		// Its own connection, outside any transaction: CONCURRENTLY needs that, and the
		// session lock stays with the connection that took it.
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			connection.setAutoCommit(true);
			// Nor the pool's request timeouts (application.yml): a build may take
			// minutes. The pool restores the socket timeout when the connection returns.
			connection.setNetworkTimeout(Runnable::run, 0);
			statement.execute("SET statement_timeout = 0");
			try {
				if (!lockTaken(statement.executeQuery("SELECT pg_try_advisory_lock(" + BUILD_LOCK + ")"))) {
					return false;
				}
				try {
					buildIndex(statement);
				}
				finally {
					statement.execute("SELECT pg_advisory_unlock(" + BUILD_LOCK + ")");
				}
			}
			finally {
				statement.execute("RESET statement_timeout");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not build index " + INDEX, ex);
		}
		return Boolean.TRUE.equals(indexValid());
	}

	/** Builds the index unless valid, holding the build lock. */
	private void buildIndex(Statement statement) throws SQLException {
		// On this connection: with a pool of one, borrowing another would wait.
		Boolean valid = indexValid(statement);
		if (Boolean.FALSE.equals(valid)) {
			// Left by a build that died: no instance is building it (we hold the lock),
			// so it is dropped and built again.
			statement.execute("DROP INDEX CONCURRENTLY IF EXISTS " + INDEX);
		}
		if (!Boolean.TRUE.equals(valid)) {
			logger.info("Building index " + INDEX + " for inbox retention");
			statement.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + INDEX + " ON event_inbox (received_at)");
		}
	}

	private static final String INDEX_VALID = """
			SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE c.relname = '""" + INDEX + "' AND c.relnamespace = current_schema()::regnamespace";

	/** {@code null} when the index does not exist. */
	private Boolean indexValid() {
		return this.jdbc.sql(INDEX_VALID).query(Boolean.class).optional().orElse(null);
	}

	private static Boolean indexValid(Statement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery(INDEX_VALID)) {
			return result.next() ? result.getBoolean(1) : null;
		}
	}

	private static boolean lockTaken(ResultSet result) throws SQLException {
		try (result) {
			return result.next() && result.getBoolean(1);
		}
	}

	private void pruneSafely() {
		try {
			int deleted = prune();
			if (deleted > 0) {
				logger.info("Deleted " + deleted + " inbox rows older than " + this.retention);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Inbox retention failed; trying again in " + this.interval, ex);
		}
	}

	@Override
	public synchronized void start() {
		if (this.scheduler == null) {
			this.scheduler = new ThreadPoolTaskScheduler();
			this.scheduler.setThreadNamePrefix("inbox-retention-");
			this.scheduler.setDaemon(true);
			this.scheduler.initialize();
			// Not at start-up, when the service has more urgent work; soon after, so
			// frequent deploys do not keep putting it off.
			this.scheduler.scheduleWithFixedDelay(this::pruneSafely, Instant.now().plus(Duration.ofMinutes(1)),
					this.interval);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdown();
			this.scheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

}
