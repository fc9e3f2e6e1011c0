package com.moa.chat.users;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.moa.chat.ChatIntegrationTestSupport;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * chat-service's side of the user event contract in docs/events.md: {@code user.*}
 * carrying the largest documented values, names in the characters most likely to be cut
 * or changed, are stored unchanged and shown as the counterpart in both participants'
 * room lists; the largest version still orders a user's states.
 */
class UserEventContractIntegrationTests extends ChatIntegrationTestSupport {

	@Test
	void showsTheLargestDocumentedNamesUnchangedInBothRoomLists() {
		String sellerName = limit("user.registered", "name").worstCaseText("판매자 ");
		String consumerName = limit("user.registered", "name").worstCaseText("구매자 ");
		assertThat((long) sellerName.length()).isEqualTo(limit("user.registered", "name").max());
		UUID seller = registered("SELLER", sellerName);
		UUID consumer = registered("CONSUMER", consumerName);

		Response opened = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller));
		assertThat(opened.status()).as(opened.body()).isEqualTo(201);
		assertThat(opened.json().get("counterpart").get("name").asString()).isEqualTo(sellerName);
		String room = opened.json().get("id").asString();
		// A seller lists a room once it has a message.
		Response sent = post(this.port, "/api/chat/rooms/" + room + "/messages", consumer,
				Map.of("text", "안녕하세요", "clientMessageId", "1"));
		assertThat(sent.status()).as(sent.body()).isEqualTo(201);

		assertThat(counterpartName(consumer, room)).isEqualTo(sellerName);
		assertThat(counterpartName(seller, room)).isEqualTo(consumerName);
	}

	/**
	 * The version just below the largest first: stored as a double (53 bits), the two
	 * would be equal and the newest name ignored.
	 */
	@Test
	void appliesAnUpdateAtTheLargestVersionWithTheLargestName() {
		UUID seller = registered("SELLER", "판매자");
		String older = limit("user.updated", "name").worstCaseText("이전 ");
		String newest = limit("user.updated", "name").worstCaseText("최신 ");

		updated(seller, "SELLER", older, Long.MAX_VALUE - 1);
		awaitStoredName(seller, older);
		updated(seller, "SELLER", newest, Long.MAX_VALUE);
		awaitStoredName(seller, newest);
		Document stored = this.mongo.findById(seller.toString(), Document.class, "users");
		assertThat(stored.get("version", Number.class).longValue()).isEqualTo(Long.MAX_VALUE);
		assertThat(stored.getString("role")).isEqualTo("SELLER");

		UUID consumer = registered("CONSUMER", "구매자");
		Response opened = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller));
		assertThat(opened.status()).as(opened.body()).isEqualTo(201);
		assertThat(counterpartName(consumer, opened.json().get("id").asString())).isEqualTo(newest);
	}

	/** {@code user.registered} as auth-service publishes it, the e-mail at its limit. */
	private UUID registered(String role, String name) {
		UUID id = UUID.randomUUID();
		publish("user.registered", id, Map.of("userId", id, "email", largestEmail(id, "user.registered"), "name", name,
				"role", role, "locale", "ko"));
		awaitStoredName(id, name);
		return id;
	}

	private void updated(UUID id, String role, String name, long version) {
		publish("user.updated", id, Map.of("userId", id, "email", largestEmail(id, "user.updated"), "name", name,
				"role", role, "locale", "en", "version", version));
	}

	/**
	 * An address of exactly the documented length: a 64-character local part (unique per
	 * user) and labels of at most 63.
	 */
	private static String largestEmail(UUID id, String event) {
		String local = id.toString().replace("-", "") + "a".repeat(32);
		String email = local + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
		assertThat((long) email.length()).isEqualTo(limit(event, "email").max());
		return email;
	}

	/**
	 * Waits for the name; a consumer that refused or cut it fails here, with the diff.
	 */
	private void awaitStoredName(UUID id, String name) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Document stored = this.mongo.findById(id.toString(), Document.class, "users");
			assertThat(stored).as("user " + id).isNotNull();
			assertThat(stored.getString("name")).isEqualTo(name);
		});
	}

	/** The counterpart's name in the caller's room list. */
	private String counterpartName(UUID caller, String roomId) {
		Response rooms = get(this.port, "/api/chat/rooms", caller);
		assertThat(rooms.status()).as(rooms.body()).isEqualTo(200);
		for (JsonNode room : rooms.json()) {
			if (room.get("id").asString().equals(roomId)) {
				return room.get("counterpart").get("name").asString();
			}
		}
		throw new AssertionError("room " + roomId + " not listed for " + caller + ": " + rooms.body());
	}

	private static FieldLimit limit(String event, String field) {
		return EventContract.limit(event, field);
	}

}
