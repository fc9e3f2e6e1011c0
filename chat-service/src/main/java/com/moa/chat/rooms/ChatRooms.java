package com.moa.chat.rooms;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;

import com.moa.chat.ChatIndexes;
import com.moa.chat.ChatProperties;
import com.moa.chat.users.ChatUsers;
import com.moa.chat.users.ChatUsers.ChatUser;
import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.NotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.bson.Document;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Rooms and their messages in MongoDB.
 *
 * <p>
 * A send holds the room's lease (a field of the room document taken with one
 * {@code findAndModify}) while it numbers, stores and publishes the message, so across
 * every instance a room's messages get {@code lastSeq + 1} one at a time and reach the
 * broker in that order: three MongoDB round trips (take the lease, insert, give it back);
 * a resent {@code clientMessageId} is caught by its unique index. The message is stored
 * under {@code _id = <room>:<seq>}: a number exists only once a message holds it (no gap,
 * even if a sender dies between steps), and reading a page is a lookup of known ids. A
 * sender that died after storing message n but before moving {@code lastSeq} is repaired
 * by the next one, whose insert of n collides: it republishes n and goes on with n + 1,
 * or by {@link #repairAbandoned} if nobody sends. The local MongoDB-wire server has no
 * transactions, so none of this relies on one.
 *
 * <p>
 * Unread counts: the room counts the messages each side sent, every message records those
 * counts as of itself, and a read stores (as {@code $max}) the other side's count at the
 * message read up to; unread = the other side's count − that.
 */
@Service
public class ChatRooms {

	static final String ROOMS = "rooms";

	static final String MESSAGES = "messages";

	private final MongoTemplate mongo;

	private final ChatUsers users;

	private final ChatDeliveries deliveries;

	private final ChatProperties properties;

	private final ChatIndexes indexes;

	private final Clock clock;

	private final Counter sent;

	private final Counter repaired;

	ChatRooms(MongoTemplate mongo, ChatUsers users, ChatDeliveries deliveries, ChatProperties properties,
			ChatIndexes indexes, Clock clock, MeterRegistry meters) {
		this.mongo = mongo;
		this.users = users;
		this.deliveries = deliveries;
		this.properties = properties;
		this.indexes = indexes;
		this.clock = clock;
		this.sent = meters.counter("moa_chat_messages_sent_total");
		this.repaired = meters.counter("moa_chat_messages_repaired_total");
	}

	/** A room from the caller's side. */
	public record RoomView(UUID id, UUID consumerId, UUID sellerId, UUID productId, Counterpart counterpart,
			Message lastMessage, long unreadCount, Instant updatedAt) {
	}

	/** Where a page of rooms ends: the last room's {@code updatedAt} and id. */
	public record RoomCursor(Instant updatedAt, UUID id) {
	}

	public record Counterpart(UUID id, String name) {
	}

	public record Opened(RoomView room, boolean created) {
	}

	public record Sent(Message message, boolean created) {
	}

	/**
	 * Opens the caller's room with a seller (and product), or returns the one there is.
	 */
	public Opened open(UUID caller, UUID sellerId, UUID productId) {
		if (caller.equals(sellerId)) {
			throw new ApiProblemException(HttpStatus.BAD_REQUEST, "chat-with-self", "Cannot chat with yourself",
					"A room needs two different participants");
		}
		ChatUser seller = this.users.find(sellerId).filter(ChatUser::isSeller).orElse(null);
		if (seller == null) {
			throw new NotFoundException("Seller", sellerId);
		}
		// The upsert is one room per key only with the unique index on key.
		this.indexes.requireUnique();
		String key = caller + ":" + sellerId + ":" + (productId != null ? productId : "-");
		Date now = Date.from(this.clock.instant());
		Query byKey = Query.query(Criteria.where("key").is(key));
		if (!this.mongo.exists(byKey, ROOMS)) {
			requireRoomForAnotherRoom(caller, now);
		}
		Document fresh = new Document("_id", UUID.randomUUID().toString()).append("consumerId", caller.toString())
			.append("sellerId", sellerId.toString())
			.append("productId", (productId != null) ? productId.toString() : null)
			.append("createdAt", now)
			.append("updatedAt", now)
			.append("lastSeq", 0L);
		Update insertOnly = new Update();
		fresh.forEach(insertOnly::setOnInsert);
		Document room;
		try {
			room = this.mongo.findAndModify(byKey, insertOnly,
					FindAndModifyOptions.options().upsert(true).returnNew(true), Document.class, ROOMS);
		}
		catch (DuplicateKeyException ex) {
			// A concurrent open of the same room won the unique key: its room is
			// the room.
			room = this.mongo.findOne(byKey, Document.class, ROOMS);
		}
		boolean created = room.getString("_id").equals(fresh.getString("_id"));
		return new Opened(view(room, caller, Map.of(sellerId, seller)), created);
	}

	/**
	 * A consumer opens at most {@code roomsPerDay} new rooms in 24 hours (429 beyond): a
	 * made-up product id opens a new room each time, and a message in each would put it
	 * in the seller's list. Concurrent opens may pass the count together, so the bound
	 * holds to within their number.
	 */
	private void requireRoomForAnotherRoom(UUID caller, Date now) {
		int limit = this.properties.roomsPerDay();
		Query recent = Query
			.query(Criteria.where("consumerId")
				.is(caller.toString())
				.and("createdAt")
				.gt(Date.from(now.toInstant().minus(Duration.ofHours(24)))))
			.limit(limit);
		if (this.mongo.count(recent, ROOMS) >= limit) {
			throw new ApiProblemException(HttpStatus.TOO_MANY_REQUESTS, "too-many-rooms", "Too many new rooms",
					"You opened " + limit + " rooms in the last 24 hours; open more later");
		}
	}

	/**
	 * The caller's rooms, most recent activity first (ties by id), after {@code cursor}
	 * when given; a seller's only once they have a message. A room that gets a message
	 * while the caller pages moves to the top: it is on the first page again, not skipped
	 * silently on a later one.
	 */
	public List<RoomView> rooms(UUID caller, RoomCursor cursor, int limit) {
		String id = caller.toString();
		// A seller sees a room once it has a message: a consumer can open any number of
		// rooms with one seller (one per product id, which chat cannot check), and empty
		// ones must not bury the seller's conversations.
		Criteria mine = new Criteria().orOperator(Criteria.where("consumerId").is(id),
				Criteria.where("sellerId").is(id).and("lastSeq").gt(0));
		Criteria criteria = (cursor == null) ? mine : new Criteria().andOperator(mine, new Criteria().orOperator(
				Criteria.where("updatedAt").lt(Date.from(cursor.updatedAt())),
				Criteria.where("updatedAt").is(Date.from(cursor.updatedAt())).and("_id").lt(cursor.id().toString())));
		Query query = Query.query(criteria)
			.with(Sort.by(Sort.Direction.DESC, "updatedAt").and(Sort.by(Sort.Direction.DESC, "_id")))
			.limit(limit);
		List<Document> rooms = this.mongo.find(query, Document.class, ROOMS);
		Map<UUID, ChatUser> counterparts = this.users
			.findAll(rooms.stream().map((room) -> counterpartId(room, caller)).distinct().toList());
		return rooms.stream().map((room) -> view(room, caller, counterparts)).toList();
	}

	/** A page of the room's messages, newest first, older than {@code before}. */
	public List<Message> messages(UUID roomId, UUID caller, Long before, int limit) {
		Document room = participantRoom(roomId, caller);
		long top = lastStoredSeq(room);
		if (before != null) {
			top = Math.min(top, before - 1);
		}
		if (top < 1) {
			return List.of();
		}
		List<String> ids = LongStream.rangeClosed(Math.max(1, top - limit + 1), top)
			.mapToObj((seq) -> messageId(roomId, seq))
			.toList();
		List<Message> page = new ArrayList<>(
				this.mongo.find(Query.query(Criteria.where("_id").in(ids)), Document.class, MESSAGES)
					.stream()
					.map(Message::of)
					.toList());
		page.sort(Comparator.comparingLong(Message::seq).reversed());
		return page;
	}

	/**
	 * Stores and delivers a message; a {@code clientMessageId} the sender used before in
	 * this room returns that message instead (422 if its text differs).
	 */
	public Sent send(UUID roomId, UUID sender, String text, String clientMessageId) {
		// A resent clientMessageId is caught by its unique index only.
		this.indexes.requireUnique();
		String clientKey = roomId + ":" + sender + ":" + clientMessageId;
		String owner = UUID.randomUUID().toString();
		Document room = acquire(roomId, sender, owner);
		boolean released = false;
		Document last = null;
		try {
			long seq = room.get("lastSeq", Number.class).longValue() + 1;
			Document counts = counts(room.get("sent", Document.class));
			// MongoDB keeps milliseconds: the pushed message must equal the stored one.
			Instant sentAt = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
			while (true) {
				String side = sender.toString().equals(room.getString("consumerId")) ? "consumer" : "seller";
				Document mine = new Document(counts);
				mine.put(side, counts.get(side, Number.class).longValue() + 1);
				Message message = new Message(UUID.randomUUID(), roomId, seq, sender, text, sentAt);
				Document stored = message.toDocument()
					.append("_id", messageId(roomId, seq))
					.append("clientKey", clientKey)
					.append("sent", mine);
				try {
					this.mongo.insert(stored, MESSAGES);
				}
				catch (DuplicateKeyException ex) {
					Document orphan = this.mongo.findById(messageId(roomId, seq), Document.class, MESSAGES);
					if (orphan == null) {
						// Not the number: the client key, a resend of a stored message.
						release(roomId, owner, last, false);
						released = true;
						Document original = findByClientKey(clientKey);
						if (!text.equals(original.getString("text"))) {
							throw new ClientMessageIdReusedException();
						}
						return new Sent(Message.of(original), false);
					}
					// Stored by a sender that died before moving lastSeq: deliver
					// it, go on.
					this.repaired.increment();
					deliver(room, Message.of(orphan));
					counts = counts(orphan.get("sent", Document.class));
					last = orphan;
					seq++;
					continue;
				}
				deliver(room, message);
				last = stored;
				break;
			}
			release(roomId, owner, last, false);
			released = true;
			this.sent.increment();
			return new Sent(Message.of(last), true);
		}
		finally {
			if (!released) {
				// Keeps what was repaired before the failure, and leaves the lease
				// run out instead of given back: the failed insert may have been
				// stored (its reply lost), which repairAbandoned then finds and
				// moves the room to.
				release(roomId, owner, last, true);
			}
		}
	}

	/**
	 * Marks the room read up to a message for the caller and tells the other side;
	 * reading what was read already changes nothing.
	 */
	public void read(UUID roomId, UUID reader, long upToSeq) {
		Document room = participantRoom(roomId, reader);
		Document message = (upToSeq >= 1) ? this.mongo.findById(messageId(roomId, upToSeq), Document.class, MESSAGES)
				: null;
		if (message == null) {
			throw new ApiProblemException(HttpStatus.BAD_REQUEST, "no-such-message", "No such message",
					"upToSeq must be the seq of a message in this room (1.." + lastStoredSeq(room) + ")");
		}
		String side = side(room, reader);
		String other = side.equals("consumer") ? "seller" : "consumer";
		long readCount = counts(message.get("sent", Document.class)).get(other, Number.class).longValue();
		Query behind = Query.query(Criteria.where("_id")
			.is(roomId.toString())
			.orOperator(Criteria.where("read." + side + ".seq").exists(false),
					Criteria.where("read." + side + ".seq").lt(upToSeq)));
		Update advance = new Update().max("read." + side + ".seq", upToSeq).max("read." + side + ".count", readCount);
		if (this.mongo.updateFirst(behind, advance, ROOMS).getModifiedCount() > 0) {
			this.deliveries.receipt(participant(room, other), new ReadReceipt(roomId, reader, upToSeq));
		}
	}

	/** The room if the caller is one of its two participants; 404 otherwise. */
	Document participantRoom(UUID roomId, UUID caller) {
		Document room = this.mongo.findById(roomId.toString(), Document.class, ROOMS);
		if (room == null || !(caller.toString().equals(room.getString("consumerId"))
				|| caller.toString().equals(room.getString("sellerId")))) {
			throw new NotFoundException("Room", roomId);
		}
		return room;
	}

	/**
	 * Takes the room's lease for one of its participants (404 for anyone else), waiting
	 * while another send holds it.
	 */
	private Document acquire(UUID roomId, UUID caller, String owner) {
		Instant deadline = this.clock.instant().plus(this.properties.roomWait());
		long pause = 1;
		boolean participant = false;
		Criteria participantsRoom = new Criteria().andOperator(Criteria.where("_id").is(roomId.toString()),
				new Criteria().orOperator(Criteria.where("consumerId").is(caller.toString()),
						Criteria.where("sellerId").is(caller.toString())));
		while (true) {
			Instant now = this.clock.instant();
			Document room = take(participantsRoom, owner, now);
			if (room != null) {
				return room;
			}
			if (!participant) {
				participantRoom(roomId, caller); // 404 unless busy
				participant = true;
			}
			if (now.isAfter(deadline)) {
				throw new RoomBusyException();
			}
			try {
				Thread.sleep(ThreadLocalRandom.current().nextLong(pause, pause * 2 + 1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new RoomBusyException();
			}
			pause = Math.min(pause * 2, 16);
		}
	}

	/**
	 * The room's lease for {@code owner} if it is free (never taken, given back, run
	 * out).
	 */
	private Document take(Criteria room, String owner, Instant now) {
		Query free = Query.query(new Criteria().andOperator(room, new Criteria().orOperator(
				Criteria.where("lease.until").exists(false), Criteria.where("lease.until").lt(Date.from(now)))));
		Update take = new Update().set("lease.owner", owner)
			.set("lease.until", Date.from(now.plus(this.properties.roomLease())));
		return this.mongo.findAndModify(free, take, FindAndModifyOptions.options().returnNew(true), Document.class,
				ROOMS);
	}

	/**
	 * Repairs rooms whose lease ran out without being given back: a sender died (or lost
	 * MongoDB) between storing a message and moving the room. Without this, a room nobody
	 * sends to again would list a stale last message and unread count for good. Each is
	 * taken as a send takes it and held while its messages are pushed (so instances and
	 * senders never repair one twice at once), moved to the messages stored under the
	 * dead lease, which are pushed (their sender may not have; a push is best effort and
	 * clients drop a seq they have), and given back.
	 * @return how many such messages were found
	 */
	public int repairAbandoned(int limit) {
		Query abandoned = Query.query(Criteria.where("lease.until").lt(Date.from(this.clock.instant()))).limit(limit);
		abandoned.fields().include("_id");
		int found = 0;
		for (Document candidate : this.mongo.find(abandoned, Document.class, ROOMS)) {
			String owner = UUID.randomUUID().toString();
			// The time now, not the batch's start: pushing the rooms before this one can
			// take longer than a lease, and a lease taken already run out holds nothing.
			Document room = take(Criteria.where("_id").is(candidate.getString("_id")), owner, this.clock.instant());
			if (room == null) {
				continue; // a sender took it first, and repairs as it sends
			}
			UUID roomId = UUID.fromString(room.getString("_id"));
			Document last = null;
			try {
				long seq = room.get("lastSeq", Number.class).longValue();
				Document orphan;
				while ((orphan = this.mongo.findById(messageId(roomId, ++seq), Document.class, MESSAGES)) != null) {
					// Each push can wait 4 s on the broker: keep holding the room.
					if (last != null && !extend(roomId, owner)) {
						break; // taken meanwhile: its holder pushes the rest, in order
					}
					this.repaired.increment();
					deliver(room, Message.of(orphan));
					last = orphan;
					found++;
				}
			}
			finally {
				release(roomId, owner, last, false);
			}
		}
		return found;
	}

	/** A full lease again from now, if it is still {@code owner}'s. */
	private boolean extend(UUID roomId, String owner) {
		Query ours = Query.query(Criteria.where("_id").is(roomId.toString()).and("lease.owner").is(owner));
		Update until = new Update().set("lease.until",
				Date.from(this.clock.instant().plus(this.properties.roomLease())));
		return this.mongo.updateFirst(ours, until, ROOMS).getMatchedCount() > 0;
	}

	/**
	 * Gives the lease back and moves the room to the last message stored under it. The
	 * room only moves forward (to a higher seq), whether or not the lease is still ours:
	 * a sender whose lease ran out while it still worked may store the newest message
	 * after the next holder stored an older one and released.
	 */
	private void release(UUID roomId, String owner, Document last, boolean runOut) {
		String id = roomId.toString();
		if (last != null) {
			long seq = last.get("seq", Number.class).longValue();
			// Usually one write: the lease still ours, the room behind this message.
			Query leasedAndBehind = Query
				.query(Criteria.where("_id").is(id).and("lease.owner").is(owner).and("lastSeq").lt(seq));
			if (this.mongo.updateFirst(leasedAndBehind, giveBack(moveTo(last), runOut), ROOMS).getMatchedCount() > 0) {
				return;
			}
			this.mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("lastSeq").lt(seq)), moveTo(last),
					ROOMS);
		}
		this.mongo.updateFirst(Query.query(Criteria.where("_id").is(id).and("lease.owner").is(owner)),
				giveBack(new Update(), runOut), ROOMS);
	}

	/** The lease given back, or left run out for {@link #repairAbandoned} to look at. */
	private static Update giveBack(Update update, boolean runOut) {
		return runOut ? update.set("lease.until", new Date(0)) : update.unset("lease");
	}

	/**
	 * The room's last message and its counts as of that message. {@code updatedAt} only
	 * moves forward ({@code $max}): the message's time is its sending instance's clock,
	 * and one running behind the previous sender's would move the room back past a rooms
	 * list cursor, which then lists it again on a later page.
	 */
	private static Update moveTo(Document last) {
		Message message = Message.of(last);
		return new Update().set("lastSeq", message.seq())
			.set("lastMessage", message.toDocument())
			.set("sent", last.get("sent"))
			.max("updatedAt", Date.from(message.sentAt()));
	}

	private void deliver(Document room, Message message) {
		this.deliveries.message(participant(room, "consumer"), message);
		this.deliveries.message(participant(room, "seller"), message);
	}

	/**
	 * The room's lastSeq, or further if a sender stored messages and died before moving
	 * it.
	 */
	private long lastStoredSeq(Document room) {
		UUID roomId = UUID.fromString(room.getString("_id"));
		long last = room.get("lastSeq", Number.class).longValue();
		while (this.mongo.exists(Query.query(Criteria.where("_id").is(messageId(roomId, last + 1))), MESSAGES)) {
			last++;
		}
		return last;
	}

	private Document findByClientKey(String clientKey) {
		return this.mongo.findOne(Query.query(Criteria.where("clientKey").is(clientKey)), Document.class, MESSAGES);
	}

	private RoomView view(Document room, UUID caller, Map<UUID, ChatUser> users) {
		String side = side(room, caller);
		String other = side.equals("consumer") ? "seller" : "consumer";
		UUID counterpartId = counterpartId(room, caller);
		ChatUser counterpart = users.get(counterpartId);
		Document lastMessage = room.get("lastMessage", Document.class);
		long otherSent = counts(room.get("sent", Document.class)).get(other, Number.class).longValue();
		Document read = room.get("read", Document.class);
		Document mine = (read != null) ? read.get(side, Document.class) : null;
		long readCount = (mine != null) ? mine.get("count", Number.class).longValue() : 0;
		String productId = room.getString("productId");
		return new RoomView(UUID.fromString(room.getString("_id")), UUID.fromString(room.getString("consumerId")),
				UUID.fromString(room.getString("sellerId")), (productId != null) ? UUID.fromString(productId) : null,
				new Counterpart(counterpartId, (counterpart != null) ? counterpart.name() : null),
				(lastMessage != null) ? Message.of(lastMessage) : null, Math.max(0, otherSent - readCount),
				room.getDate("updatedAt").toInstant());
	}

	private static UUID counterpartId(Document room, UUID caller) {
		return participant(room, side(room, caller).equals("consumer") ? "seller" : "consumer");
	}

	private static String side(Document room, UUID user) {
		return user.toString().equals(room.getString("consumerId")) ? "consumer" : "seller";
	}

	private static UUID participant(Document room, String side) {
		return UUID.fromString(room.getString(side + "Id"));
	}

	private static Document counts(Document sent) {
		Document counts = new Document("consumer", 0L).append("seller", 0L);
		if (sent != null) {
			counts.putAll(sent);
		}
		return counts;
	}

	static String messageId(UUID roomId, long seq) {
		return roomId + ":" + seq;
	}

	/**
	 * A clientMessageId already used for a message with other text: answering with the
	 * stored message would tell the client its new text was sent when it was not.
	 */
	static class ClientMessageIdReusedException extends ApiProblemException {

		ClientMessageIdReusedException() {
			super(HttpStatus.UNPROCESSABLE_CONTENT, "client-message-id-reused", "clientMessageId reused",
					"This clientMessageId was already used for another message in this room; use a new one for each message");
		}

	}

	/** Too many senders on one room right now: retry. */
	static class RoomBusyException extends ApiProblemException {

		RoomBusyException() {
			super(HttpStatus.SERVICE_UNAVAILABLE, "room-busy", "Room busy",
					"Too many messages are being sent to this room at once; retry shortly", Duration.ofSeconds(1));
		}

	}

}
