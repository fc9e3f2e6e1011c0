package com.moa.chat.rooms;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs {@link ChatRooms#repairAbandoned} every 10 s on every instance (taking a room's
 * lease makes that safe). On a scheduler of its own: the only other one here beats the
 * broker relay's heart, which a MongoDB call stalled for seconds must never delay.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class AbandonedRooms {

	static final String SCHEDULER = "abandonedRoomsScheduler";

	private static final Logger logger = LoggerFactory.getLogger(AbandonedRooms.class);

	private static final int BATCH = 100;

	private final ChatRooms rooms;

	private boolean failing;

	AbandonedRooms(ChatRooms rooms) {
		this.rooms = rooms;
	}

	/**
	 * A plain {@link ScheduledExecutorService}, not a Spring task scheduler: Boot hands
	 * the only {@code AsyncTaskExecutor} bean to the STOMP channels, and a
	 * {@code ThreadPoolTaskScheduler} here replaced their thread pools with its single
	 * thread (every frame in and out of every connection on one thread).
	 */
	@Bean(name = SCHEDULER, destroyMethod = "shutdownNow")
	static ScheduledExecutorService abandonedRoomsScheduler() {
		return Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("abandoned-rooms-"));
	}

	@Scheduled(fixedDelay = 10_000, initialDelay = 10_000, scheduler = SCHEDULER)
	void repair() {
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
				logger.warn("Repairing abandoned rooms failed; trying again every 10 s", ex);
			}
		}
	}

}
