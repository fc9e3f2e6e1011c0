package com.moa.platform.events;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;

/**
 * Deletes {@code event_inbox} rows older than {@code moa.events.inbox.retention}, every
 * {@code prune-interval}, so the table does not grow with every event ever consumed. The
 * inbox only has to outlive redeliveries: a lost acknowledgement or an outbox relay that
 * republishes after a crash, seconds to minutes later. A dead letter replayed by an
 * operator weeks later was never applied, so it never had a row. Several instances prune
 * at once safely: each batch takes rows no other one holds ({@code SKIP LOCKED}), and
 * batches keep each transaction short.
 */
public class InboxRetention implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(InboxRetention.class);

	static final int BATCH = 5_000;

	private final JdbcClient jdbc;

	private final Duration retention;

	private final Duration interval;

	private ThreadPoolTaskScheduler scheduler;

	InboxRetention(JdbcClient jdbc, Duration retention, Duration interval) {
		Assert.isTrue(retention.compareTo(Duration.ofHours(1)) >= 0,
				"moa.events.inbox.retention must be at least an hour: redeliveries need their rows");
		Assert.isTrue(!interval.isNegative() && !interval.isZero(), "moa.events.inbox.prune-interval must be positive");
		this.jdbc = jdbc;
		this.retention = retention;
		this.interval = interval;
	}

	/**
	 * Deletes every row older than the retention, a batch at a time.
	 * @return how many rows this call deleted
	 */
	public int prune() {
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
			// Not at start-up, when the service has more urgent work.
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
