package com.moa.chat.rooms;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs {@link ChatRooms#repairAbandoned} every few seconds on every instance (taking a
 * room's lease makes that safe). Its own thread, not a shared {@code @Scheduled} one: the
 * only task scheduler here beats the broker relay's heart, which a MongoDB call stalled
 * for seconds must never delay.
 */
@Component
class AbandonedRooms implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(AbandonedRooms.class);

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private static final int BATCH = 100;

	private final ChatRooms rooms;

	private ScheduledExecutorService scheduler;

	private boolean failing;

	AbandonedRooms(ChatRooms rooms) {
		this.rooms = rooms;
	}

	private void repair() {
		try {
			int found = this.rooms.repairAbandoned(BATCH);
			if (found > 0) {
				logger.warn("Repaired {} rooms' last messages stored by senders that died", found);
			}
			this.failing = false;
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("Repairing abandoned rooms failed; trying again every {}", INTERVAL, ex);
			}
		}
	}

	@Override
	public synchronized void start() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "abandoned-rooms");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(this::repair, INTERVAL.toMillis(), INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

}
