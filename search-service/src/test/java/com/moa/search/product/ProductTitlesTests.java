package com.moa.search.product;

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
 * The collision of two first events of a product. The local MongoDB-wire server applies
 * an upsert atomically, so the race that makes real MongoDB answer E11000 (both upserts
 * find nothing, one inserts first) is played here with a mock; the concurrent test in
 * SuggestionIntegrationTests covers it against real MongoDB where Docker runs one.
 */
class ProductTitlesTests {

	@Test
	void anUpsertThatLostTheInsertRaceIsAppliedAsAnUpdateUnlessTheStoredStateIsNewer() {
		MongoTemplate mongo = mock(MongoTemplate.class);
		given(mongo.upsert(any(Query.class), any(Update.class), eq(ProductTitles.COLLECTION)))
			.willThrow(new DuplicateKeyException("E11000 duplicate key error"));
		UUID productId = UUID.randomUUID();

		new ProductTitles(mongo).store(productId, "Published", true, 2);

		ArgumentCaptor<Query> query = ArgumentCaptor.forClass(Query.class);
		verify(mongo).updateFirst(query.capture(), any(Update.class), eq(ProductTitles.COLLECTION));
		assertThat(query.getValue().getQueryObject().toJson()).contains(productId.toString())
			.contains("\"version\": {\"$lt\": 2}")
			.contains("\"removed\": {\"$ne\": true}");
	}

}
