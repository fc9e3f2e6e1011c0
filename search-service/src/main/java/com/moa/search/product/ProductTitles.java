package com.moa.search.product;

import java.util.List;
import java.util.UUID;

import com.moa.platform.web.Keywords;
import com.moa.search.popular.Prefixes;
import org.bson.Document;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

/**
 * Published products' titles, for suggestions: a projection of {@code product.*},
 * version-checked (an older event never overwrites a newer one; a removal is final).
 */
@Repository
public class ProductTitles {

	static final String COLLECTION = "product_titles";

	private final MongoTemplate mongo;

	ProductTitles(MongoTemplate mongo) {
		this.mongo = mongo;
	}

	/** Applies a product's state unless a newer one is stored. */
	public void store(UUID productId, String title, boolean published, long version) {
		Query newer = Query
			.query(Criteria.where("_id").is(productId.toString()).and("version").lt(version).and("removed").ne(true));
		Update update = new Update().set("title", title)
			.set("normalized", Keywords.normalize(title))
			.set("published", published)
			.set("version", version);
		upsertIfNewer(newer, update);
	}

	public void remove(UUID productId, long version) {
		Query newer = Query.query(Criteria.where("_id").is(productId.toString()).and("version").lt(version));
		upsertIfNewer(newer, new Update().set("published", false).set("removed", true).set("version", version));
	}

	/**
	 * The upsert inserts when no stored document is older; if one exists that is newer
	 * (or removed), the insert collides on {@code _id}. It also collides when another
	 * event of the product inserted first (events run concurrently), so the update is
	 * tried once more against what is stored now: it applies unless that is newer.
	 */
	private void upsertIfNewer(Query newer, Update update) {
		try {
			this.mongo.upsert(newer, update, COLLECTION);
		}
		catch (DuplicateKeyException ex) {
			this.mongo.updateFirst(newer, update, COLLECTION);
		}
	}

	/**
	 * Titles of published products whose normalized title starts with the prefix, one per
	 * normalized title (ten products named alike are one suggestion, not ten).
	 */
	public List<String> startingWith(String prefix, int limit) {
		Aggregation distinctTitles = Aggregation.newAggregation(
				Aggregation
					.match(Criteria.where("normalized").regex("^" + Prefixes.escape(prefix)).and("published").is(true)),
				Aggregation.group("normalized").min("title").as("title"),
				Aggregation.sort(Sort.by(Sort.Order.asc("_id"))), Aggregation.limit(limit));
		return this.mongo.aggregate(distinctTitles, COLLECTION, Document.class)
			.getMappedResults()
			.stream()
			.map((document) -> document.getString("title"))
			.toList();
	}

}
