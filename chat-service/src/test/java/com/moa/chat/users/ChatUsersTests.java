package com.moa.chat.users;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The collision of two first events of a user. The local MongoDB-wire server applies an
 * upsert atomically, so the race that makes real MongoDB answer E11000 (both upserts find
 * nothing, one inserts first) is played here with a mock.
 */
class ChatUsersTests {

	@Test
	void anUpsertThatLostTheInsertRaceIsAppliedAsAnUpdateUnlessTheStoredStateIsNewer() {
		MongoTemplate mongo = mock(MongoTemplate.class);
		given(mongo.upsert(any(Query.class), any(Update.class), eq(ChatUsers.COLLECTION)))
			.willThrow(new DuplicateKeyException("E11000 duplicate key error"));
		UUID userId = UUID.randomUUID();

		new ChatUsers(mongo).store(userId, "SELLER", "Renamed", 3);

		ArgumentCaptor<Query> query = ArgumentCaptor.forClass(Query.class);
		ArgumentCaptor<Update> update = ArgumentCaptor.forClass(Update.class);
		verify(mongo).updateFirst(query.capture(), update.capture(), eq(ChatUsers.COLLECTION));
		assertThat(query.getValue().getQueryObject().toJson()).contains(userId.toString())
			.contains("\"version\": {\"$lt\": 3}");
		assertThat(update.getValue().getUpdateObject().toJson()).contains("Renamed");
	}

}
