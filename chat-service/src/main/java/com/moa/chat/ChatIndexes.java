package com.moa.chat;

import java.util.Set;
import java.util.stream.Collectors;

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
import org.springframework.stereotype.Component;

/**
 * The indexes, declared in code and created (idempotently) at startup, before the service
 * reports ready. One room per (consumer, seller, product) and one message per (room, seq)
 * and per (room, sender, clientMessageId) are unique indexes; a message's {@code _id} is
 * {@code <room>:<seq>} besides, so pages are read by id.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ChatIndexes implements ApplicationRunner {

	private final MongoTemplate mongo;

	ChatIndexes(MongoTemplate mongo) {
		this.mongo = mongo;
	}

	@Override
	public void run(ApplicationArguments args) {
		ensure("rooms", new Index().on("key", Sort.Direction.ASC).unique());
		// The rooms list's order (updatedAt, _id) in full, so each side of its $or is
		// read
		// in order from an index and merged, not every room of the caller sorted in
		// memory for every page.
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
