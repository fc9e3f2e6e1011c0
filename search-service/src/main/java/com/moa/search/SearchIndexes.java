package com.moa.search;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

/**
 * The indexes, declared in code and created (idempotently) at startup. Uniqueness of a
 * history entry per (user, keyword) and of a counter per (hour, keyword) is carried by
 * their {@code _id}s; these serve the queries: a user's history newest first, a window's
 * buckets, keywords and titles by anchored prefix, pruning.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SearchIndexes implements ApplicationRunner {

	private final MongoTemplate mongo;

	SearchIndexes(MongoTemplate mongo) {
		this.mongo = mongo;
	}

	@Override
	public void run(ApplicationArguments args) {
		ensure("search_history", new Index().on("userId", Sort.Direction.ASC).on("searchedAt", Sort.Direction.DESC));
		ensure("popular_buckets", new Index().on("hour", Sort.Direction.ASC));
		ensure("popular_buckets", new Index().on("keyword", Sort.Direction.ASC).on("hour", Sort.Direction.ASC));
		ensure("product_titles", new Index().on("normalized", Sort.Direction.ASC).on("published", Sort.Direction.ASC));
		ensure("processed_events", new Index().on("at", Sort.Direction.ASC));
	}

	private void ensure(String collection, Index index) {
		this.mongo.indexOps(collection).createIndex(index);
	}

}
