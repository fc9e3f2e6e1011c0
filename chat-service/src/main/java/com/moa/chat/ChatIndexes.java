package com.moa.chat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import com.moa.platform.web.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The indexes, declared in code and created (idempotently) at startup, before the service
 * reports ready. One room per (consumer, seller, product) and one message per (room, seq)
 * and per (room, sender, clientMessageId) are unique indexes; a message's {@code _id} is
 * {@code <room>:<seq>} besides, so pages are read by id.
 *
 * <p>
 * MongoDB away at startup does not stop the start (an instance restarted during an outage
 * comes up and answers 503 like the others, as search-service's indexes do): they are
 * tried again every minute, and before a write, until created. Writes that rely on a
 * unique index (opening a room, sending) wait for them ({@link #requireUnique}): without
 * the room key's, two concurrent opens would make two rooms for one pair, and without the
 * client key's a resend after a lost reply would store the message twice. On a database
 * that has them already that is one flag read; only a new database, or a release adding
 * an index, meets MongoDB's return with a write, which then creates them first.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ChatIndexes implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(ChatIndexes.class);

	private final MongoTemplate mongo;

	private final Duration wait;

	/** One attempt at a time; writes arriving meanwhile wait for its outcome. */
	private final ReentrantLock creating = new ReentrantLock();

	private volatile boolean created;

	ChatIndexes(MongoTemplate mongo, ChatProperties properties) {
		this.mongo = mongo;
		this.wait = properties.mongoTimeout();
	}

	@Override
	public void run(ApplicationArguments args) {
		try {
			create();
		}
		catch (DataAccessException ex) {
			logger.warn("MongoDB indexes not created yet ({}); trying again every minute and before writes",
					ex.getMessage());
		}
	}

	/**
	 * On the scheduler of the other MongoDB upkeep ({@code AbandonedRooms}), never the
	 * broker relay's heart-beats.
	 */
	@Scheduled(initialDelay = 60_000, fixedDelay = 60_000, scheduler = "abandonedRoomsScheduler")
	void retry() {
		if (!this.created && this.creating.tryLock()) {
			try {
				if (!this.created) {
					create();
				}
			}
			catch (DataAccessException ex) {
				logger.warn("MongoDB indexes not created yet ({}); trying again in a minute", ex.getMessage());
			}
			finally {
				this.creating.unlock();
			}
		}
	}

	/**
	 * Returns once the unique indexes exist, creating them first if need be. While
	 * MongoDB cannot create them the write fails as any MongoDB failure does (503), or
	 * with {@link StoreUnavailableException} after waiting the MongoDB timeout for
	 * another write's attempt: concurrent writes never queue up one attempt each.
	 */
	public void requireUnique() {
		if (this.created) {
			return;
		}
		try {
			if (!this.creating.tryLock(this.wait.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new StoreUnavailableException();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreUnavailableException();
		}
		try {
			if (!this.created) {
				create();
			}
		}
		finally {
			this.creating.unlock();
		}
	}

	private void create() {
		ensure("rooms", new Index().on("key", Sort.Direction.ASC).unique());
		// The rooms list's order (updatedAt, _id) in full, so each side of its $or is
		// read in order from an index and merged, not every room of the caller sorted
		// in memory for every page.
		ensure("rooms",
				new Index().on("consumerId", Sort.Direction.ASC)
					.on("updatedAt", Sort.Direction.DESC)
					.on("_id", Sort.Direction.DESC));
		ensure("rooms",
				new Index().on("sellerId", Sort.Direction.ASC)
					.on("updatedAt", Sort.Direction.DESC)
					.on("_id", Sort.Direction.DESC));
		// Finds leases that ran out unreleased (ChatRooms.repairAbandoned); most rooms
		// have none.
		ensure("rooms", new Index().on("lease.until", Sort.Direction.ASC).sparse());
		ensure("messages", new Index().on("roomId", Sort.Direction.ASC).on("seq", Sort.Direction.ASC).unique());
		ensure("messages", new Index().on("clientKey", Sort.Direction.ASC).unique());
		// Replaced by the two above, which serve the previous release's queries as well
		// (same leading fields): every insert and update of a room paid for them.
		dropIfPresent("rooms", "consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");
		if (!this.created) {
			this.created = true;
			logger.info("MongoDB indexes are in place");
		}
	}

	private void dropIfPresent(String collection, String... names) {
		IndexOperations indexes = this.mongo.indexOps(collection);
		Set<String> present = indexes.getIndexInfo().stream().map(IndexInfo::getName).collect(Collectors.toSet());
		for (String name : names) {
			if (present.contains(name)) {
				try {
					indexes.dropIndex(name);
				}
				catch (DataAccessException ex) {
					// Two instances starting together: the other one dropped it first.
					if (indexes.getIndexInfo().stream().anyMatch((index) -> index.getName().equals(name))) {
						throw ex;
					}
				}
			}
		}
	}

	private void ensure(String collection, Index index) {
		this.mongo.indexOps(collection).createIndex(index);
	}

}
