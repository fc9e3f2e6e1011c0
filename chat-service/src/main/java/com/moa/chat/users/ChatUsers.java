package com.moa.chat.users;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.bson.Document;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * The projection of auth-service's users that chat needs: role (only sellers can be
 * chatted with) and display name. Version-checked, so redelivered and reordered
 * {@code user.*} events are harmless: {@code user.registered} carries no version and
 * counts as version 0, below every {@code user.updated}.
 */
@Component
public class ChatUsers {

	static final String COLLECTION = "users";

	private final MongoTemplate mongo;

	ChatUsers(MongoTemplate mongo) {
		this.mongo = mongo;
	}

	/** A user as chat knows it. */
	public record ChatUser(UUID id, String role, String name) {

		public boolean isSeller() {
			return "SELLER".equals(this.role);
		}

	}

	/** Stores the user's state unless a newer one is stored already. */
	public void store(UUID id, String role, String name, long version) {
		Query olderOrMissing = Query.query(Criteria.where("_id").is(id.toString()).and("version").lt(version));
		Update update = new Update().set("name", name).set("version", version);
		if (role != null) {
			update.set("role", role);
		}
		try {
			this.mongo.upsert(olderOrMissing, update, COLLECTION);
		}
		catch (DuplicateKeyException ex) {
			// A same-or-newer version is stored, or a concurrent event of the user
			// (another consumer, another instance) inserted first: tried once more
			// against what is stored now, it applies unless that is newer.
			this.mongo.updateFirst(olderOrMissing, update, COLLECTION);
		}
	}

	public Optional<ChatUser> find(UUID id) {
		return Optional.ofNullable(this.mongo.findById(id.toString(), Document.class, COLLECTION)).map(ChatUsers::user);
	}

	public Map<UUID, ChatUser> findAll(Collection<UUID> ids) {
		Query query = Query.query(Criteria.where("_id").in(ids.stream().map(UUID::toString).toList()));
		return this.mongo.find(query, Document.class, COLLECTION)
			.stream()
			.map(ChatUsers::user)
			.collect(Collectors.toMap(ChatUser::id, Function.identity()));
	}

	private static ChatUser user(Document document) {
		return new ChatUser(UUID.fromString(document.getString("_id")), document.getString("role"),
				document.getString("name"));
	}

}
