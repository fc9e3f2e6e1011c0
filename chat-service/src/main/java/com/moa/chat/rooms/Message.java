package com.moa.chat.rooms;

import java.time.Instant;
import java.util.UUID;

import org.bson.Document;

/**
 * A chat message as clients see it (API.md {@code Message}).
 *
 * @param id the message id
 * @param roomId its room
 * @param seq its place in the room: 1, 2, 3, … with no gaps
 * @param senderId who sent it
 * @param text 1..2,000 code points
 * @param sentAt when the service stored it
 */
public record Message(UUID id, UUID roomId, long seq, UUID senderId, String text, Instant sentAt) {

	static Message of(Document document) {
		return new Message(UUID.fromString(document.getString("id")), UUID.fromString(document.getString("roomId")),
				((Number) document.get("seq")).longValue(), UUID.fromString(document.getString("senderId")),
				document.getString("text"), document.getDate("sentAt").toInstant());
	}

	Document toDocument() {
		return new Document("id", this.id.toString()).append("roomId", this.roomId.toString())
			.append("seq", this.seq)
			.append("senderId", this.senderId.toString())
			.append("text", this.text)
			.append("sentAt", java.util.Date.from(this.sentAt));
	}

}
