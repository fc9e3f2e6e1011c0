package com.moa.chat;

import java.util.List;

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

	private List<String> roomIndexes() {
		return this.mongo.indexOps("rooms").getIndexInfo().stream().map(IndexInfo::getName).toList();
	}

}
