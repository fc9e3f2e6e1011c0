package com.moa.chat.rooms;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.moa.chat.ChatIndexes;
import com.moa.chat.ChatIntegrationTestSupport;
import com.moa.chat.ChatProperties;
import com.moa.chat.users.ChatUsers;
import com.moa.platform.testing.MovableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rooms and messages over REST against real MongoDB-wire and RabbitMQ servers.
 */
class RoomsIntegrationTests extends ChatIntegrationTestSupport {

	@Autowired
	ChatUsers users;

	@Autowired
	ChatProperties properties;

	@Autowired
	ChatDeliveries deliveries;

	@Autowired
	ChatIndexes indexes;

	@Test
	void aRoomIsOpenedOnceEvenByConcurrentRequests() throws Exception {
		UUID seller = user("SELLER", "모아 키친");
		UUID consumer = user("CONSUMER", "김구매");
		UUID product = UUID.randomUUID();
		List<Callable<Response>> opens = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			opens.add(() -> post(this.port, "/api/chat/rooms", consumer,
					Map.of("sellerId", seller, "productId", product)));
		}
		ExecutorService pool = Executors.newFixedThreadPool(10);
		List<Response> answers = new ArrayList<>();
		for (Future<Response> answer : pool.invokeAll(opens)) {
			answers.add(answer.get());
		}
		pool.shutdown();
		assertThat(answers).extracting(Response::status).containsOnly(200, 201).containsOnlyOnce(201);
		assertThat(answers.stream().map((r) -> r.json().get("id").asString()).collect(Collectors.toSet())).hasSize(1);
		Response room = answers.get(0);
		assertThat(room.json().get("counterpart").get("name").asString()).isEqualTo("모아 키친");
		assertThat(room.json().get("productId").asString()).isEqualTo(product.toString());
		// Another product, or none, is another room.
		Response general = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller));
		assertThat(general.status()).isEqualTo(201);
		assertThat(general.json().get("id").asString()).isNotEqualTo(room.json().get("id").asString());
	}

	/**
	 * Any product id opens another room: a consumer opens at most 50 a day, written in or
	 * not; the rooms it already has stay open to it.
	 */
	@Test
	void aConsumerOpensAtMostFiftyRoomsADay() {
		UUID seller = user("SELLER", "seller");
		UUID consumer = user("CONSUMER", "collector");
		UUID firstProduct = UUID.randomUUID();
		for (int i = 0; i < 50; i++) {
			Response opened = post(this.port, "/api/chat/rooms", consumer,
					Map.of("sellerId", seller, "productId", (i == 0) ? firstProduct : UUID.randomUUID()));
			assertThat(opened.status()).isEqualTo(201);
			// A message in a room does not take it off the count.
			assertThat(post(this.port, "/api/chat/rooms/" + opened.json().get("id").asString() + "/messages", consumer,
					Map.of("text", "hello", "clientMessageId", "m" + i))
				.status()).isEqualTo(201);
		}

		Response refused = post(this.port, "/api/chat/rooms", consumer,
				Map.of("sellerId", seller, "productId", UUID.randomUUID()));

		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.json().get("type").asString()).endsWith("too-many-rooms");
		assertThat(post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller, "productId", firstProduct))
			.status()).as("a room it has").isEqualTo(200);
		assertThat(post(this.port, "/api/chat/rooms", user("CONSUMER", "other"), Map.of("sellerId", seller)).status())
			.as("another consumer")
			.isEqualTo(201);
		// A day later those rooms no longer count.
		this.mongo.updateMulti(Query.query(Criteria.where("consumerId").is(consumer.toString())),
				new Update().set("createdAt", Date.from(Instant.now().minus(Duration.ofHours(25)))), "rooms");
		assertThat(
				post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller, "productId", UUID.randomUUID()))
					.status())
			.isEqualTo(201);
	}

	@Test
	void onlySellersCanBeChattedWithAndNeverOneself() {
		UUID consumer = user("CONSUMER", "a");
		UUID otherConsumer = user("CONSUMER", "b");
		UUID seller = user("SELLER", "c");
		assertThat(post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", otherConsumer)).status())
			.isEqualTo(404);
		assertThat(post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", UUID.randomUUID())).status())
			.isEqualTo(404);
		Response self = post(this.port, "/api/chat/rooms", seller, Map.of("sellerId", seller));
		assertThat(self.status()).isEqualTo(400);
		assertThat(self.body()).contains("chat-with-self");
	}

	/** API.md: the consumer opens the room; a seller (or admin) token is refused. */
	@Test
	void onlyAConsumerOpensARoom() {
		UUID seller = user("SELLER", "a");
		UUID otherSeller = user("SELLER", "b");
		Response refused = send(this.port, "POST", "/api/chat/rooms", seller, "SELLER",
				this.json.writeValueAsString(Map.of("sellerId", otherSeller)));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("type").asString()).isEqualTo("https://moa-subscribe.com/problems/forbidden");
		assertThat(send(this.port, "POST", "/api/chat/rooms", seller, "ADMIN",
				this.json.writeValueAsString(Map.of("sellerId", otherSeller)))
			.status()).isEqualTo(403);
		assertThat(get(this.port, "/api/chat/rooms", seller).json()).isEmpty();
		assertThat(get(this.port, "/api/chat/rooms", otherSeller).json()).isEmpty();
	}

	/**
	 * A consumer can open a room per product id with one seller; the seller sees only
	 * those with a message, so empty ones cannot bury the real conversations.
	 */
	@Test
	void aSellerSeesARoomOnceItHasAMessage() {
		UUID seller = user("SELLER", "seller");
		UUID consumer = user("CONSUMER", "opener");
		for (int i = 0; i < 5; i++) {
			assertThat(post(this.port, "/api/chat/rooms", consumer,
					Map.of("sellerId", seller, "productId", UUID.randomUUID()))
				.status()).isEqualTo(201);
		}
		String room = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller)).json()
			.get("id")
			.asString();
		assertThat(get(this.port, "/api/chat/rooms", consumer).json()).hasSize(6);
		assertThat(get(this.port, "/api/chat/rooms", seller).json()).isEmpty();

		post(this.port, "/api/chat/rooms/" + room + "/messages", consumer,
				Map.of("text", "hi", "clientMessageId", "1"));

		var listed = get(this.port, "/api/chat/rooms", seller).json();
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).get("id").asString()).isEqualTo(room);
	}

	/** Every instance runs the repair by itself, every 10 s. */
	@Test
	void theServiceRepairsARoomLeftByADeadSenderByItself() {
		UUID[] room = room();
		orphan(room, 1, new Document("consumer", 0L).append("seller", 1L));
		this.mongo.updateFirst(Query.query(Criteria.where("_id").is(room[0].toString())),
				new Update().set("lease.owner", "dead").set("lease.until", new Date(0)), "rooms");

		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(25))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> get(this.port, "/api/chat/rooms", room[1]).json().get(0).get("unreadCount").asLong() == 1);
		assertThat(this.mongo.findById(room[0].toString(), Document.class, "rooms").get("lease")).isNull();
	}

	/**
	 * An insert whose reply was lost (applied, yet the send failed): the room is left for
	 * the repair, which moves it to the message, not given back unmoved.
	 */
	@Test
	void aMessageStoredByASendThatFailedIsRepairedIntoTheRoom() {
		UUID[] room = room();
		MongoTemplate lostReply = Mockito.spy(this.mongo);
		Mockito.doAnswer((invocation) -> {
			invocation.callRealMethod();
			throw new DataAccessResourceFailureException("reply lost");
		}).when(lostReply).insert(ArgumentMatchers.any(Document.class), ArgumentMatchers.eq("messages"));
		ChatRooms failing = new ChatRooms(lostReply, this.users, this.deliveries, this.properties, this.indexes,
				Clock.systemUTC(), new SimpleMeterRegistry());
		assertThatThrownBy(() -> failing.send(room[0], room[1], "stored anyway", "c1"))
			.isInstanceOf(DataAccessResourceFailureException.class);

		new ChatRooms(this.mongo, this.users, this.deliveries, this.properties, this.indexes, Clock.systemUTC(),
				new SimpleMeterRegistry())
			.repairAbandoned(10_000);

		var listed = get(this.port, "/api/chat/rooms", room[2]).json().get(0);
		assertThat(listed.get("lastMessage").get("seq").asLong()).isEqualTo(1);
		assertThat(listed.get("unreadCount").asLong()).isEqualTo(1);
	}

	@Test
	void onlyTheTwoParticipantsSeeTheRoom() {
		UUID[] room = room();
		UUID stranger = user("CONSUMER", "stranger");
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		assertThat(post(this.port, messages, room[1], Map.of("text", "hi", "clientMessageId", "c1")).status())
			.isEqualTo(201);
		assertThat(get(this.port, messages, stranger).status()).isEqualTo(404);
		assertThat(post(this.port, messages, stranger, Map.of("text", "x", "clientMessageId", "s1")).status())
			.isEqualTo(404);
		assertThat(post(this.port, "/api/chat/rooms/" + room[0] + "/read", stranger, Map.of("upToSeq", 1)).status())
			.isEqualTo(404);
		assertThat(get(this.port, "/api/chat/rooms", stranger).json()).isEmpty();
		assertThat(get(this.port, messages, room[2]).json()).hasSize(1);
		assertThat(get(this.port, messages, null).status()).isEqualTo(401);
	}

	@Test
	void aResentClientMessageIdReturnsTheSameMessage() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		Response first = post(this.port, messages, room[1], Map.of("text", "안녕하세요", "clientMessageId", "abc"));
		Response again = post(this.port, messages, room[1], Map.of("text", "안녕하세요", "clientMessageId", "abc"));
		assertThat(first.status()).isEqualTo(201);
		assertThat(again.status()).isEqualTo(201);
		assertThat(first.header("Idempotent-Replayed")).isNull();
		assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
		assertThat(again.json().get("seq").asLong()).isEqualTo(1);
		// The id again with other text is a client bug, not a resend: nothing is stored
		// and the client is told, rather than shown the old message as if it were new.
		Response reused = post(this.port, messages, room[1], Map.of("text", "다른 메시지", "clientMessageId", "abc"));
		assertThat(reused.status()).isEqualTo(422);
		assertThat(reused.body()).contains("https://moa-subscribe.com/problems/client-message-id-reused");
		// The same id from the other participant is another message.
		Response seller = post(this.port, messages, room[2], Map.of("text", "네", "clientMessageId", "abc"));
		assertThat(seller.status()).isEqualTo(201);
		assertThat(seller.json().get("seq").asLong()).isEqualTo(2);
		assertThat(get(this.port, messages, room[1]).json()).hasSize(2);
	}

	/**
	 * A sender that died after storing message 2 but before moving the room: the next
	 * send finds 2 taken, keeps it, and becomes 3 — no gap, nothing lost.
	 */
	@Test
	void aMessageLeftByASenderThatDiedIsKeptAndTheNextOneFollowsIt() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		post(this.port, messages, room[1], Map.of("text", "one", "clientMessageId", "1"));
		orphan(room, 2, new Document("consumer", 1L).append("seller", 1L));
		Response third = post(this.port, messages, room[1], Map.of("text", "three", "clientMessageId", "3"));
		assertThat(third.status()).isEqualTo(201);
		assertThat(third.json().get("seq").asLong()).isEqualTo(3);
		assertThat(seqs(get(this.port, messages, room[2]))).containsExactly(3L, 2L, 1L);
		var rooms = get(this.port, "/api/chat/rooms", room[1]).json();
		assertThat(rooms.get(0).get("lastMessage").get("seq").asLong()).isEqualTo(3);
		assertThat(rooms.get(0).get("unreadCount").asLong()).isEqualTo(1);
	}

	/**
	 * A sender that died after storing message 2 and before moving the room, with nobody
	 * sending after it: the repair finds its run-out lease, moves the room to message 2
	 * (the rooms list shows it, and it counts as unread) and pushes it to both.
	 */
	@Test
	void aRoomLeftByASenderThatDiedIsRepairedWithoutAnotherSend() {
		UUID[] room = room();
		post(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[1],
				Map.of("text", "one", "clientMessageId", "1"));
		orphan(room, 2, new Document("consumer", 1L).append("seller", 1L));
		// Runs out in an hour: this instance's own repair, every 10 s, leaves it to
		// the one here, whose clock is two hours ahead.
		this.mongo.updateFirst(Query.query(Criteria.where("_id").is(room[0].toString())),
				new Update().set("lease.owner", "dead")
					.set("lease.until", Date.from(Instant.now().plus(Duration.ofHours(1)))),
				"rooms");
		List<String> pushed = new CopyOnWriteArrayList<>();
		ChatDeliveries recording = new ChatDeliveries() {

			@Override
			public void message(UUID recipient, Message message) {
				pushed.add(recipient + ":" + message.roomId() + ":" + message.seq());
			}

			@Override
			public void receipt(UUID recipient, ReadReceipt receipt) {
			}

		};
		ChatRooms rooms = new ChatRooms(this.mongo, this.users, recording, this.properties, this.indexes,
				Clock.offset(Clock.systemUTC(), Duration.ofHours(2)), new SimpleMeterRegistry());

		assertThat(rooms.repairAbandoned(10_000)).isGreaterThanOrEqualTo(1);

		assertThat(pushed).containsOnlyOnce(room[1] + ":" + room[0] + ":2", room[2] + ":" + room[0] + ":2");
		var listed = get(this.port, "/api/chat/rooms", room[1]).json().get(0);
		assertThat(listed.get("lastMessage").get("seq").asLong()).isEqualTo(2);
		assertThat(listed.get("unreadCount").asLong()).isEqualTo(1);
		assertThat(this.mongo.findById(room[0].toString(), Document.class, "rooms").get("lease")).isNull();
		rooms.repairAbandoned(10_000);
		assertThat(pushed).as("repaired once").containsOnlyOnce(room[1] + ":" + room[0] + ":2");
	}

	/**
	 * Each push can wait seconds for the broker's confirm, so a batch of repairs outlasts
	 * a lease: every room, and every message of it, is pushed under a lease that has not
	 * run out, or a sender or another instance would take the room and push alongside.
	 */
	@Test
	void aLongRepairPushesEveryMessageWhileStillHoldingTheRoom() {
		UUID[] twoOrphans = room();
		orphan(twoOrphans, 1, new Document("consumer", 0L).append("seller", 1L));
		orphan(twoOrphans, 2, new Document("consumer", 0L).append("seller", 2L));
		UUID[] oneOrphan = room();
		orphan(oneOrphan, 1, new Document("consumer", 0L).append("seller", 1L));
		List<UUID> mine = List.of(twoOrphans[0], oneOrphan[0]);
		// Runs out in an hour: left to the repair here, whose clock is two hours ahead.
		this.mongo.updateMulti(Query.query(Criteria.where("_id").in(mine.stream().map(UUID::toString).toList())),
				new Update().set("lease.owner", "dead")
					.set("lease.until", Date.from(Instant.now().plus(Duration.ofHours(1)))),
				"rooms");
		MovableClock clock = new MovableClock(Instant.now().plus(Duration.ofHours(2)));
		List<String> pushed = new CopyOnWriteArrayList<>();
		List<String> unleased = new CopyOnWriteArrayList<>();
		MongoTemplate mongo = this.mongo;
		ChatDeliveries slowBroker = new ChatDeliveries() {

			@Override
			public void message(UUID recipient, Message message) {
				if (!mine.contains(message.roomId())) {
					return;
				}
				Document lease = mongo.findById(message.roomId().toString(), Document.class, "rooms")
					.get("lease", Document.class);
				Instant until = (lease != null) ? lease.getDate("until").toInstant() : null;
				if (until == null || !until.isAfter(clock.instant())) {
					unleased.add(message.roomId() + ":" + message.seq() + " at " + clock.instant() + ", lease until "
							+ until);
				}
				pushed.add(recipient + ":" + message.roomId() + ":" + message.seq());
				clock.advance(Duration.ofSeconds(3)); // a confirm that takes its time
			}

			@Override
			public void receipt(UUID recipient, ReadReceipt receipt) {
			}

		};
		ChatRooms rooms = new ChatRooms(this.mongo, this.users, slowBroker, this.properties, this.indexes, clock,
				new SimpleMeterRegistry());

		assertThat(rooms.repairAbandoned(10_000)).isGreaterThanOrEqualTo(3);

		assertThat(unleased).as("pushed without a lease").isEmpty();
		assertThat(pushed).containsSubsequence(twoOrphans[1] + ":" + twoOrphans[0] + ":1",
				twoOrphans[1] + ":" + twoOrphans[0] + ":2");
		assertThat(pushed).containsOnlyOnce(twoOrphans[2] + ":" + twoOrphans[0] + ":2",
				oneOrphan[1] + ":" + oneOrphan[0] + ":1", oneOrphan[2] + ":" + oneOrphan[0] + ":1");
		for (UUID roomId : mine) {
			Document room = this.mongo.findById(roomId.toString(), Document.class, "rooms");
			assertThat(room.get("lease")).isNull();
			assertThat(room.get("lastSeq", Number.class).longValue()).isEqualTo(roomId.equals(oneOrphan[0]) ? 1 : 2);
		}
	}

	/**
	 * A sender whose lease ran out while it still worked (here a push that hangs) and
	 * that then stored the newest message still moves the room to it. Its lease was taken
	 * and given back by the next sender meanwhile, so a release tied to the lease moved
	 * nothing: the room kept the older last message (and counts) until the next send.
	 */
	@Test
	void aSenderThatOutlivedItsLeaseStillMovesTheRoomToItsMessage() throws Exception {
		UUID[] room = room();
		orphan(room, 1, new Document("consumer", 0L).append("seller", 1L));
		CountDownLatch pushing = new CountDownLatch(1);
		CountDownLatch resume = new CountDownLatch(1);
		AtomicBoolean first = new AtomicBoolean(true);
		ChatDeliveries firstPushHangs = new ChatDeliveries() {

			@Override
			public void message(UUID recipient, Message message) {
				if (first.compareAndSet(true, false)) {
					pushing.countDown();
					try {
						resume.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}

			@Override
			public void receipt(UUID recipient, ReadReceipt receipt) {
			}

		};
		ChatProperties shortLease = new ChatProperties(Duration.ofSeconds(2), Duration.ofMillis(200),
				Duration.ofSeconds(5), 61613, DataSize.ofKilobytes(32), 20, 50, 1, Duration.ofSeconds(10), 50, 10, 1500,
				Duration.ofSeconds(10));
		ChatRooms rooms = new ChatRooms(this.mongo, this.users, firstPushHangs, shortLease, this.indexes,
				Clock.systemUTC(), new SimpleMeterRegistry());
		// The consumer's send repairs message 1 and hangs pushing it, past its lease.
		CompletableFuture<ChatRooms.Sent> late = CompletableFuture
			.supplyAsync(() -> rooms.send(room[0], room[1], "late", "a"));
		assertThat(pushing.await(10, TimeUnit.SECONDS)).isTrue();
		// The seller takes the expired lease, stores 2 and gives the lease back.
		assertThat(rooms.send(room[0], room[2], "in time", "b").message().seq()).isEqualTo(2);
		resume.countDown();
		assertThat(late.get(10, TimeUnit.SECONDS).message().seq()).isEqualTo(3);

		Document stored = this.mongo.findById(room[0].toString(), Document.class, "rooms");
		assertThat(stored.get("lastSeq", Number.class).longValue()).isEqualTo(3);
		assertThat(stored.get("lease")).isNull();
		var listed = get(this.port, "/api/chat/rooms", room[2]).json().get(0);
		assertThat(listed.get("lastMessage").get("text").asString()).isEqualTo("late");
		assertThat(listed.get("unreadCount").asLong()).isEqualTo(1);
		assertThat(unread(room[1], room[0])).isEqualTo(2);
	}

	@Test
	void pagesGoNewestFirstBeforeASeq() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		for (int i = 1; i <= 7; i++) {
			post(this.port, messages, room[1 + i % 2], Map.of("text", "m" + i, "clientMessageId", "c" + i));
		}
		assertThat(seqs(get(this.port, messages + "?limit=3", room[1]))).containsExactly(7L, 6L, 5L);
		assertThat(seqs(get(this.port, messages + "?before=5&limit=3", room[1]))).containsExactly(4L, 3L, 2L);
		assertThat(seqs(get(this.port, messages + "?before=2&limit=3", room[1]))).containsExactly(1L);
		assertThat(seqs(get(this.port, messages + "?before=1", room[1]))).isEmpty();
		assertThat(seqs(get(this.port, messages + "?before=100", room[1]))).hasSize(7);
		for (String bad : List.of("?before=0", "?before=x", "?limit=0", "?limit=101", "?before=-1")) {
			assertThat(get(this.port, messages + bad, room[1]).status()).as(bad).isEqualTo(400);
		}
	}

	@Test
	void unreadCountsFallWhenReadAndRoomsListMostRecentFirst() {
		UUID[] older = room();
		UUID[] room = room();
		UUID consumer = room[1];
		UUID seller = room[2];
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		post(this.port, messages, consumer, Map.of("text", "문의드립니다", "clientMessageId", "1"));
		for (int i = 2; i <= 4; i++) {
			post(this.port, messages, seller, Map.of("text", "답변 " + i, "clientMessageId", "" + i));
		}
		post(this.port, messages, consumer, Map.of("text", "감사합니다", "clientMessageId", "5"));
		assertThat(unread(consumer, room[0])).isEqualTo(3);
		assertThat(unread(seller, room[0])).isEqualTo(2);

		assertThat(post(this.port, "/api/chat/rooms/" + room[0] + "/read", consumer, Map.of("upToSeq", 3)).status())
			.isEqualTo(204);
		assertThat(unread(consumer, room[0])).isEqualTo(1);
		// Reading less than before changes nothing.
		post(this.port, "/api/chat/rooms/" + room[0] + "/read", consumer, Map.of("upToSeq", 2));
		assertThat(unread(consumer, room[0])).isEqualTo(1);
		post(this.port, "/api/chat/rooms/" + room[0] + "/read", consumer, Map.of("upToSeq", 5));
		assertThat(unread(consumer, room[0])).isZero();
		assertThat(unread(seller, room[0])).isEqualTo(2);
		assertThat(post(this.port, "/api/chat/rooms/" + room[0] + "/read", consumer, Map.of("upToSeq", 6)).status())
			.isEqualTo(400);
		assertThat(post(this.port, "/api/chat/rooms/" + room[0] + "/read", consumer, Map.of("upToSeq", 0)).status())
			.isEqualTo(400);

		post(this.port, "/api/chat/rooms/" + older[0] + "/messages", older[1],
				Map.of("text", "x", "clientMessageId", "x"));
		var rooms = get(this.port, "/api/chat/rooms", seller).json();
		assertThat(rooms).hasSize(1);
		assertThat(rooms.get(0).get("lastMessage").get("text").asString()).isEqualTo("감사합니다");
		assertThat(rooms.get(0).get("counterpart").get("name").asString()).isEqualTo("구매자");
	}

	@Test
	void aSellerPagesThroughAllItsRoomsEachOnce() {
		UUID seller = user("SELLER", "많은 판매자");
		List<String> opened = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			UUID consumer = user("CONSUMER", "구매자 " + i);
			String room = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller)).json()
				.get("id")
				.asString();
			// A seller lists a room once it has a message.
			post(this.port, "/api/chat/rooms/" + room + "/messages", consumer,
					Map.of("text", "안녕하세요", "clientMessageId", "1"));
			opened.add(room);
		}
		// Three rooms share one instant: the id breaks the tie, and no page boundary
		// loses or repeats one of them.
		Date tie = new Date();
		this.mongo.updateMulti(Query.query(Criteria.where("_id").in(opened.subList(1, 4))),
				Update.update("updatedAt", tie), "rooms");

		// Paged by following the Link header, as a client does; the last page has none.
		List<String> seen = new ArrayList<>();
		String page = "/api/chat/rooms?limit=2";
		int pages = 0;
		while (page != null && pages++ < 5) {
			Response answer = get(this.port, page, seller);
			assertThat(answer.status()).as(answer.body()).isEqualTo(200);
			var rooms = answer.json();
			rooms.forEach((room) -> seen.add(room.get("id").asString()));
			String link = answer.header("Link");
			if (link == null) {
				assertThat(rooms.size()).isLessThanOrEqualTo(2);
				page = null;
			}
			else {
				var last = rooms.get(rooms.size() - 1);
				assertThat(rooms.size()).isEqualTo(2);
				assertThat(link).isEqualTo("</api/chat/rooms?before=" + last.get("updatedAt").asString() + "&beforeId="
						+ last.get("id").asString() + "&limit=2>; rel=\"next\"");
				page = link.substring(1, link.indexOf('>'));
			}
		}
		assertThat(page).as("pages").isNull();
		assertThat(seen).hasSize(opened.size()).containsExactlyInAnyOrderElementsOf(opened);
		List<String> tied = seen.stream().filter(opened.subList(1, 4)::contains).toList();
		assertThat(tied).isSortedAccordingTo(Comparator.reverseOrder());

		String someId = opened.get(0);
		for (String bad : List.of("?before=2026-12-01T00:00:00Z", "?beforeId=" + someId, "?before=x&beforeId=" + someId,
				"?before=2026-12-01T00:00:00Z&beforeId=nope", "?limit=101",
				"?before=-300000000-01-01T00:00:00Z&beforeId=" + someId,
				"?before=%2B300000000-01-01T00:00:00Z&beforeId=" + someId)) {
			Response refused = get(this.port, "/api/chat/rooms" + bad, seller);
			assertThat(refused.status()).as(bad).isEqualTo(400);
			assertThat(refused.body()).as(bad).contains("\"status\":400");
		}
	}

	/**
	 * Each instance stamps a message with its own clock. A room written through one 2 s
	 * ahead, then through one on time, keeps the later time: moved back, it fell behind
	 * the cursor of a client paging the rooms list, which was shown it again.
	 */
	@Test
	void aRoomNeverMovesBackInTheListWhenInstancesClocksDiffer() {
		UUID seller = user("SELLER", "판매자");
		// A minute on, so every message below is later than the rooms' opening.
		Instant now = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
		ChatRooms onTime = instanceAt(now);
		ChatRooms ahead = instanceAt(now.plusSeconds(2));
		List<UUID[]> rooms = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			UUID consumer = user("CONSUMER", "구매자 " + i);
			Response opened = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller));
			rooms.add(new UUID[] { UUID.fromString(opened.json().get("id").asString()), consumer });
		}
		// Two rooms written in earlier, listed after the one the test moves.
		instanceAt(now.minusSeconds(10)).send(rooms.get(1)[0], rooms.get(1)[1], "earlier", "1");
		instanceAt(now.minusSeconds(20)).send(rooms.get(2)[0], rooms.get(2)[1], "earliest", "1");
		UUID moving = rooms.get(0)[0];
		ahead.send(moving, rooms.get(0)[1], "through the instance ahead", "1");

		Response first = get(this.port, "/api/chat/rooms?limit=1", seller);
		List<String> seen = new ArrayList<>();
		first.json().forEach((room) -> seen.add(room.get("id").asString()));
		onTime.send(moving, rooms.get(0)[1], "through the instance on time", "2");
		String page = next(first);
		for (int pages = 0; page != null && pages < 5; pages++) {
			Response answer = get(this.port, page, seller);
			answer.json().forEach((room) -> seen.add(room.get("id").asString()));
			page = next(answer);
		}

		assertThat(seen).containsExactly(moving.toString(), rooms.get(1)[0].toString(), rooms.get(2)[0].toString());
		Document stored = this.mongo.findById(moving.toString(), Document.class, "rooms");
		assertThat(stored.getDate("updatedAt").toInstant()).isEqualTo(now.plusSeconds(2));
		assertThat(stored.get("lastSeq", Number.class).longValue()).isEqualTo(2);
		var listed = get(this.port, "/api/chat/rooms?limit=1", seller).json().get(0);
		assertThat(listed.get("lastMessage").get("text").asString()).isEqualTo("through the instance on time");
	}

	@Test
	void theLongestTextArrivesWholeAndBadTextIsRefused() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		String longest = "😀".repeat(1000) + "가\n나".repeat(333) + "a";
		assertThat(longest.codePointCount(0, longest.length())).isEqualTo(2000);
		Response sent = post(this.port, messages, room[1], Map.of("text", longest, "clientMessageId", "x".repeat(100)));
		assertThat(sent.status()).as(sent.body()).isEqualTo(201);
		assertThat(get(this.port, messages, room[2]).json().get(0).get("text").asString()).isEqualTo(longest);
		for (Map<String, ?> bad : List.<Map<String, ?>>of(Map.of("text", longest + "b", "clientMessageId", "1"),
				Map.of("text", "a\u0000b", "clientMessageId", "2"), Map.of("text", " \n ", "clientMessageId", "3"),
				Map.of("text", "\u3164\u200b\u2800", "clientMessageId", "3b"),
				Map.of("text", "ok", "clientMessageId", "x".repeat(101)), Map.<String, Object>of("text", "ok"),
				Map.<String, Object>of("clientMessageId", "4"), Map.of("text", 5, "clientMessageId", "5"))) {
			Response refused = post(this.port, messages, room[1], bad);
			assertThat(refused.status()).as(bad.toString()).isEqualTo(400);
		}
		assertThat(get(this.port, messages, room[1]).json()).hasSize(1);
	}

	/** A ChatRooms as an instance whose clock stands at {@code now} runs it. */
	private ChatRooms instanceAt(Instant now) {
		return new ChatRooms(this.mongo, this.users, this.deliveries, this.properties, this.indexes,
				Clock.fixed(now, ZoneOffset.UTC), new SimpleMeterRegistry());
	}

	/** The next page's path from the {@code Link} header, or null on the last page. */
	private static String next(Response page) {
		String link = page.header("Link");
		return (link != null) ? link.substring(1, link.indexOf('>')) : null;
	}

	/** Message {@code seq} as a sender that died before moving the room left it. */
	private void orphan(UUID[] room, long seq, Document sent) {
		this.mongo.insert(new Document("_id", room[0] + ":" + seq).append("id", UUID.randomUUID().toString())
			.append("roomId", room[0].toString())
			.append("seq", seq)
			.append("senderId", room[2].toString())
			.append("text", "orphan")
			.append("sentAt", new Date())
			.append("clientKey", room[0] + ":" + room[2] + ":o" + seq)
			.append("sent", sent), "messages");
	}

	private List<Long> seqs(Response response) {
		List<Long> seqs = new ArrayList<>();
		response.json().forEach((message) -> seqs.add(message.get("seq").asLong()));
		return seqs;
	}

	private long unread(UUID user, UUID roomId) {
		for (var room : get(this.port, "/api/chat/rooms", user).json()) {
			if (room.get("id").asString().equals(roomId.toString())) {
				return room.get("unreadCount").asLong();
			}
		}
		throw new AssertionError("room not listed");
	}

}
