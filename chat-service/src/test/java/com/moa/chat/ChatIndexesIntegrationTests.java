package com.moa.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexes at startup: the previous release's two-field rooms-list indexes, which the
 * full-order ones replace, are dropped; running again changes nothing.
 */
class ChatIndexesIntegrationTests extends ChatIntegrationTestSupport {

	@Autowired
	ChatIndexes indexes;

	@Test
	void thePreviousReleasesRoomsListIndexesAreDroppedOnce() {
		this.mongo.indexOps("rooms")
			.createIndex(new Index().on("consumerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
		this.mongo.indexOps("rooms")
			.createIndex(new Index().on("sellerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
		assertThat(roomIndexes()).contains("consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");

		this.indexes.run(null);
		this.indexes.run(null);

		assertThat(roomIndexes())
			.contains("key_1", "consumerId_1_updatedAt_-1__id_-1", "sellerId_1_updatedAt_-1__id_-1", "lease.until_1")
			.doesNotContain("consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");
	}

	/** Two instances starting together both drop them: neither fails to start. */
	@Test
	void twoInstancesStartingTogetherBothStart() throws Exception {
		ExecutorService starts = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 5; round++) {
				this.mongo.indexOps("rooms")
					.createIndex(new Index().on("consumerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
				this.mongo.indexOps("rooms")
					.createIndex(new Index().on("sellerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
				CyclicBarrier together = new CyclicBarrier(2);
				List<Future<?>> runs = new ArrayList<>();
				for (int i = 0; i < 2; i++) {
					runs.add(starts.submit(() -> {
						together.await();
						this.indexes.run(null);
						return null;
					}));
				}
				for (Future<?> run : runs) {
					run.get(30, TimeUnit.SECONDS);
				}
				assertThat(roomIndexes()).doesNotContain("consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");
			}
		}
		finally {
			starts.shutdown();
		}
	}

	private List<String> roomIndexes() {
		return this.mongo.indexOps("rooms").getIndexInfo().stream().map(IndexInfo::getName).toList();
	}

}
