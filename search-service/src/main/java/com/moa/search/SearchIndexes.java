package com.moa.search;

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
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The indexes, declared in code and created (idempotently) at startup. Uniqueness of a
 * history entry per (user, keyword) and of a counter per (hour, keyword) is carried by
 * their {@code _id}s; these serve the queries: a user's history newest first, a window's
 * buckets, keywords and titles by anchored prefix, pruning. Being only for speed, they do
 * not hold up a start while MongoDB is away (an instance restarted during an outage must
 * come up and serve what it can): they are tried again every minute until created.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SearchIndexes implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(SearchIndexes.class);

	private final MongoTemplate mongo;

	private volatile boolean created;

	SearchIndexes(MongoTemplate mongo) {
		this.mongo = mongo;
	}

	@Override
	public void run(ApplicationArguments args) {
		ensureAll();
	}

	@Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1M")
	void ensureAll() {
		if (this.created) {
			return;
		}
		try {
			ensure("search_history",
					new Index().on("userId", Sort.Direction.ASC).on("searchedAt", Sort.Direction.DESC));
			ensure("popular_buckets", new Index().on("hour", Sort.Direction.ASC));
			ensure("popular_buckets", new Index().on("keyword", Sort.Direction.ASC).on("hour", Sort.Direction.ASC));
			ensure("product_titles",
					new Index().on("normalized", Sort.Direction.ASC).on("published", Sort.Direction.ASC));
			ensure("processed_events", new Index().on("at", Sort.Direction.ASC));
			// Pruning, and a user's marks newest first (only so many are kept per user).
			ensure("search_history_deleted", new Index().on("deletedAt", Sort.Direction.ASC));
			ensure("search_history_deleted",
					new Index().on("userId", Sort.Direction.ASC).on("deletedAt", Sort.Direction.DESC));
			this.created = true;
		}
		catch (DataAccessException ex) {
			log.warn("MongoDB indexes not created yet ({}); trying again in a minute", ex.getMessage());
		}
	}

	boolean created() {
		return this.created;
	}

	private void ensure(String collection, Index index) {
		this.mongo.indexOps(collection).createIndex(index);
	}

}
