package com.moa.chat.ws;

import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import com.moa.chat.ChatIntegrationTestSupport;
import com.moa.chat.StompConnection;
import com.moa.chat.StompConnection.Frame;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestRabbit;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Real-time chat over real WebSocket connections, through RabbitMQ's STOMP plugin, with
 * one and with two chat-service instances.
 */
class StompIntegrationTests extends ChatIntegrationTestSupport {

	@Autowired
	MeterRegistry meters;

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void bothParticipantsGetEveryMessageInSeqOrderAndAReceiptWhenAsked() {
		UUID[] room = room();
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"));
				StompConnection seller = StompConnection.ready(this.port, token(room[2], "SELLER"))) {
			// The dashboard's connection gauge counts both (and any other still open).
			assertThat(this.meters.get("moa_chat_connections").gauge().value()).isGreaterThanOrEqualTo(2);
			assertThat(this.meters.get("moa_chat_websockets").gauge().value()).isGreaterThanOrEqualTo(2);
			for (int i = 1; i <= 5; i++) {
				consumer.send("SEND",
						Map.of("destination", "/app/rooms/" + room[0] + "/messages", "content-type", "application/json",
								"receipt", "send-" + i),
						"{\"text\":\"메시지 " + i + "\",\"clientMessageId\":\"c" + i + "\"}");
			}
			List<Frame> received = messages(seller, 5);
			assertThat(received).extracting((frame) -> body(frame).get("seq").asLong())
				.containsExactly(1L, 2L, 3L, 4L, 5L);
			assertThat(received.get(0).header("destination")).isEqualTo("/user/queue/messages");
			assertThat(body(received.get(4)).get("text").asString()).isEqualTo("메시지 5");
			assertThat(body(received.get(4)).get("senderId").asString()).isEqualTo(room[1].toString());
			List<Frame> echoes = new ArrayList<>();
			List<String> receipts = new ArrayList<>();
			while (echoes.size() < 5 || receipts.size() < 5) {
				Frame frame = consumer.next(WAIT);
				assertThat(frame).as("echo %s receipts %s; %s", echoes.size(), receipts, consumer).isNotNull();
				if (frame.command().equals("RECEIPT")) {
					receipts.add(frame.header("receipt-id"));
				}
				else {
					echoes.add(frame);
				}
			}
			assertThat(receipts).containsExactly("send-1", "send-2", "send-3", "send-4", "send-5");
			assertThat(echoes).extracting((frame) -> body(frame).get("seq").asLong())
				.containsExactly(1L, 2L, 3L, 4L, 5L);

			// A resend over STOMP is the same message: nothing new is delivered.
			consumer.sendMessage(room[0], "{\"text\":\"메시지 1\",\"clientMessageId\":\"c1\"}");
			assertThat(get(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[1]).json()).hasSize(5);

			assertThat(post(this.port, "/api/chat/rooms/" + room[0] + "/read", room[2], Map.of("upToSeq", 4)).status())
				.isEqualTo(204);
			Frame receipt = consumer.awaitFrame((frame) -> "/user/queue/receipts".equals(frame.header("destination")),
					WAIT);
			assertThat(body(receipt).get("readerId").asString()).isEqualTo(room[2].toString());
			assertThat(body(receipt).get("upToSeq").asLong()).isEqualTo(4);
			assertThat(seller.next(Duration.ofMillis(300))).as("no extra frame for the reader").isNull();
		}
	}

	@Test
	void participantsOnDifferentInstancesTalkInOrder() {
		UUID[] room = room();
		int other = secondInstancePort();
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"));
				StompConnection seller = StompConnection.ready(other, token(room[2], "SELLER"))) {
			consumer.sendMessage(room[0], "{\"text\":\"A에서\",\"clientMessageId\":\"a1\"}");
			assertThat(body(messages(seller, 1).get(0)).get("text").asString()).isEqualTo("A에서");
			for (int i = 2; i <= 6; i++) {
				seller.sendMessage(room[0], "{\"text\":\"B " + i + "\",\"clientMessageId\":\"b" + i + "\"}");
			}
			List<Frame> atConsumer = messages(consumer, 6);
			assertThat(atConsumer).extracting((frame) -> body(frame).get("seq").asLong())
				.containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
			post(other, "/api/chat/rooms/" + room[0] + "/read", room[2], Map.of("upToSeq", 1));
			Frame receipt = consumer.awaitFrame((frame) -> "/user/queue/receipts".equals(frame.header("destination")),
					WAIT);
			assertThat(body(receipt).get("upToSeq").asLong()).isEqualTo(1);
		}
	}

	@Test
	void twoInstancesWithTenConcurrentSendersEachNumberWithoutGapsAndDeliverInOrder() throws Exception {
		UUID[] room = room();
		int[] ports = { this.port, secondInstancePort() };
		try (StompConnection watcherA = StompConnection.ready(this.port, token(room[1], "CONSUMER"));
				StompConnection watcherB = StompConnection.ready(ports[1], token(room[2], "SELLER"))) {
			ExecutorService senders = Executors.newFixedThreadPool(20);
			List<Future<Integer>> statuses = new ArrayList<>();
			int perSender = 5;
			for (int s = 0; s < 20; s++) {
				int sender = s;
				statuses.add(senders.submit(() -> {
					int failures = 0;
					for (int i = 0; i < perSender; i++) {
						int status = postRetryingWhileRoomBusy(ports[sender % 2],
								"/api/chat/rooms/" + room[0] + "/messages", room[1 + sender % 2 * 1],
								Map.of("text", sender + "/" + i, "clientMessageId", sender + "-" + i));
						failures += (status == 201) ? 0 : 1;
					}
					return failures;
				}));
			}
			for (Future<Integer> failures : statuses) {
				assertThat(failures.get()).isZero();
			}
			senders.shutdown();
			int total = 20 * perSender;
			List<Long> stored = new ArrayList<>();
			get(this.port, "/api/chat/rooms/" + room[0] + "/messages?limit=100", room[1]).json()
				.forEach((message) -> stored.add(message.get("seq").asLong()));
			Collections.reverse(stored);
			assertThat(stored).hasSize(total);
			for (int i = 0; i < total; i++) {
				assertThat(stored.get(i)).isEqualTo(i + 1);
			}
			for (StompConnection watcher : List.of(watcherA, watcherB)) {
				List<Long> delivered = messages(watcher, total).stream()
					.map((frame) -> body(frame).get("seq").asLong())
					.toList();
				assertThat(delivered).isEqualTo(stored);
				assertThat(watcher.next(Duration.ofMillis(300))).isNull();
			}
		}
	}

	@Test
	void aClientThatReconnectsCatchesUpOverRestWithoutGaps() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		long lastSeen;
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"))) {
			for (int i = 1; i <= 3; i++) {
				post(this.port, messages, room[2], Map.of("text", "before " + i, "clientMessageId", "p" + i));
			}
			lastSeen = body(messages(consumer, 3).get(2)).get("seq").asLong();
		}
		for (int i = 4; i <= 8; i++) {
			post(this.port, messages, room[2], Map.of("text", "while away " + i, "clientMessageId", "w" + i));
		}
		try (StompConnection consumer = StompConnection.ready(secondInstancePort(), token(room[1], "CONSUMER"))) {
			List<Long> missed = new ArrayList<>();
			long before = Long.MAX_VALUE;
			// Page back until the last seq seen, as the app does after reconnecting.
			while (true) {
				JsonNode page = get(this.port,
						messages + "?limit=2" + (before == Long.MAX_VALUE ? "" : "&before=" + before), room[1])
					.json();
				boolean reached = false;
				for (JsonNode message : page) {
					long seq = message.get("seq").asLong();
					if (seq <= lastSeen) {
						reached = true;
						break;
					}
					missed.add(0, seq);
					before = seq;
				}
				if (reached || page.isEmpty()) {
					break;
				}
			}
			assertThat(missed).containsExactly(4L, 5L, 6L, 7L, 8L);
			post(this.port, messages, room[2], Map.of("text", "live", "clientMessageId", "l"));
			assertThat(body(messages(consumer, 1).get(0)).get("seq").asLong()).isEqualTo(9);
		}
	}

	@Test
	void anUpgradeWithoutAValidTokenIsRefused() {
		for (String token : java.util.Arrays.asList(null, signer.forgedAlgNone("CONSUMER"), "not-a-token")) {
			assertThatThrownBy(() -> StompConnection.open(this.port, token)).isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOfSatisfying(WebSocketHandshakeException.class,
						(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
		}
	}

	@Test
	void noSubscriptionOrSendBeyondTheCallersOwnDestinations() {
		UUID[] room = room();
		String consumerToken = token(room[1], "CONSUMER");
		for (String destination : List.of("/topic/chat." + room[2] + ".messages",
				"/user/" + room[2] + "/queue/messages", "/queue/x", "/exchange/amq.topic/chat." + room[2] + ".messages",
				"/amq/queue/chat.user-events")) {
			try (StompConnection attacker = StompConnection.connect(this.port, consumerToken)) {
				attacker.send("SUBSCRIBE", Map.of("id", "1", "destination", destination), "");
				assertThat(attacker.expect("ERROR").header("message")).contains("cannot subscribe");
				assertThat(attacker.awaitClosed(WAIT)).as(destination).isNotNull();
			}
		}
		try (StompConnection attacker = StompConnection.connect(this.port, consumerToken);
				StompConnection seller = StompConnection.ready(this.port, token(room[2], "SELLER"))) {
			attacker.send("SEND", Map.of("destination", "/topic/chat." + room[2] + ".messages"), "{\"seq\":1}");
			assertThat(attacker.expect("ERROR").header("message")).contains("cannot send");
			assertThat(seller.next(Duration.ofMillis(500))).isNull();
		}
		// A token for someone else than the upgrade's user.
		try (StompConnection mixed = StompConnection.open(this.port, consumerToken)) {
			mixed.send("CONNECT",
					Map.of("accept-version", "1.2", "Authorization", "Bearer " + token(room[2], "SELLER")), "");
			assertThat(mixed.expect("ERROR").header("message")).contains("another user");
		}
	}

	/**
	 * STOMP 1.2 requires an id on SUBSCRIBE and UNSUBSCRIBE: without one, an ERROR and
	 * the close, as for any refused frame (a SUBSCRIBE to the errors destination was a
	 * NullPointerException in the guard, and no answer).
	 */
	@Test
	void aSubscribeOrUnsubscribeWithoutAnIdIsRefused() {
		String token = token(user("CONSUMER", "no id"), "CONSUMER");
		for (String destination : List.of("/user/queue/errors", "/user/queue/messages")) {
			try (StompConnection client = StompConnection.connect(this.port, token)) {
				client.send("SUBSCRIBE", Map.of("destination", destination, "receipt", "s"), "");
				assertThat(client.expect("ERROR").header("message")).as(destination)
					.isEqualTo("SUBSCRIBE requires an id header");
				assertThat(client.awaitClosed(WAIT)).as(destination).isNotNull();
			}
		}
		try (StompConnection client = StompConnection.ready(this.port, token)) {
			client.send("UNSUBSCRIBE", Map.of("receipt", "u"), "");
			assertThat(client.expect("ERROR").header("message")).isEqualTo("UNSUBSCRIBE requires an id header");
			assertThat(client.awaitClosed(WAIT)).isNotNull();
		}
	}

	/**
	 * Each subscription but the errors one is a queue in RabbitMQ: a connection has eight
	 * at most (two screens of an app may each subscribe to one destination) and uses an
	 * id once, else an ERROR and the close; UNSUBSCRIBE frees its slot.
	 */
	@Test
	void aConnectionHasAtMostEightSubscriptionsEachIdOnceUntilItUnsubscribes() {
		UUID[] room = room();
		String token = token(room[1], "CONSUMER");
		try (StompConnection client = StompConnection.ready(this.port, token)) {
			for (int i = 4; i <= 8; i++) {
				client.subscribe("extra" + i, "/user/queue/messages");
			}
			client.send("UNSUBSCRIBE", Map.of("id", "extra8", "receipt", "u"), "");
			assertThat(client.expect("RECEIPT").header("receipt-id")).isEqualTo("u");
			client.subscribe("eighth", "/user/queue/receipts");
			client.send("SUBSCRIBE", Map.of("id", "ninth", "destination", "/user/queue/errors"), "");
			assertThat(client.expect("ERROR").header("message")).isEqualTo("at most 8 subscriptions per connection");
			assertThat(client.awaitClosed(WAIT)).isNotNull();
		}
		try (StompConnection client = StompConnection.connect(this.port, token)) {
			client.subscribe("1", "/user/queue/messages");
			client.send("SUBSCRIBE", Map.of("id", "1", "destination", "/user/queue/receipts"), "");
			assertThat(client.expect("ERROR").header("message")).isEqualTo("subscription id 1 is already in use");
			assertThat(client.awaitClosed(WAIT)).isNotNull();
		}
		try (StompConnection client = StompConnection.ready(this.port, token)) {
			for (String id : List.of("m", "e")) {
				client.send("UNSUBSCRIBE", Map.of("id", id, "receipt", "u-" + id), "");
				assertThat(client.expect("RECEIPT").header("receipt-id")).isEqualTo("u-" + id);
			}
			client.subscribe("m2", "/user/queue/messages").subscribe("e2", "/user/queue/errors");
			post(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[2],
					Map.of("text", "again", "clientMessageId", "1"));
			assertThat(messages(client, 1).get(0).header("subscription")).isEqualTo("m2");
			client.sendMessage(room[0], "not json");
			assertThat(client.awaitFrame((frame) -> "/user/queue/errors".equals(frame.header("destination")), WAIT)
				.header("subscription")).isEqualTo("e2");
		}
	}

	/**
	 * A SEND holds one of its connection's {@code moa.chat.sends-in-flight} slots until
	 * it is handled, whatever became of it (stored, invalid, not JSON, not a
	 * participant), so a long-lived connection never runs out of them.
	 */
	@Test
	void everySendGivesItsSlotBackOnceHandled() throws Exception {
		UUID[] room = room();
		UUID[] othersRoom = room();
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"))) {
			// A second of their own for the 16 sends (at most 20 frames a second).
			Thread.sleep(1100);
			for (int i = 0; i < 4; i++) {
				consumer.sendMessage(room[0], "{\"text\":\"ok\",\"clientMessageId\":\"ok" + i + "\"}");
				consumer.sendMessage(room[0], "{\"text\":\" \",\"clientMessageId\":\"blank" + i + "\"}");
				consumer.sendMessage(room[0], "not json");
				consumer.sendMessage(othersRoom[0], "{\"text\":\"hi\",\"clientMessageId\":\"o" + i + "\"}");
			}
			int stored = 0;
			int refused = 0;
			while (stored < 4 || refused < 12) {
				Frame frame = consumer.next(WAIT);
				assertThat(frame).as("stored %s, refused %s; %s", stored, refused, consumer).isNotNull();
				stored += "/user/queue/messages".equals(frame.header("destination")) ? 1 : 0;
				refused += "/user/queue/errors".equals(frame.header("destination")) ? 1 : 0;
			}
			await().atMost(WAIT).until(() -> this.meters.get(SendBacklogLimit.IN_FLIGHT).gauge().value() == 0);
			assertThat(consumer.isClosed()).isFalse();
		}
	}

	@Test
	void aStrangersOrABadSendIsAnErrorForThatSessionOnly() {
		UUID[] room = room();
		UUID stranger = user("CONSUMER", "stranger");
		try (StompConnection intruder = StompConnection.ready(this.port, token(stranger, "CONSUMER"));
				StompConnection seller = StompConnection.ready(this.port, token(room[2], "SELLER"))) {
			intruder.sendMessage(room[0], "{\"text\":\"hi\",\"clientMessageId\":\"x\"}");
			Frame error = intruder.awaitFrame((frame) -> "/user/queue/errors".equals(frame.header("destination")),
					WAIT);
			assertThat(body(error).get("status").asInt()).isEqualTo(404);
			for (String bad : List.of("{\"text\":\"" + "a".repeat(2001) + "\",\"clientMessageId\":\"1\"}",
					"{\"text\":\"a\\u0000\",\"clientMessageId\":\"2\"}", "not json",
					"{\"text\":[1],\"clientMessageId\":\"3\"}")) {
				seller.sendMessage(room[0], bad);
				Frame problem = seller.awaitFrame((frame) -> "/user/queue/errors".equals(frame.header("destination")),
						WAIT);
				assertThat(body(problem).get("status").asInt()).as(bad).isEqualTo(400);
			}
			seller.sendMessage("not-a-uuid", "{\"text\":\"a\",\"clientMessageId\":\"4\"}");
			assertThat(
					body(seller.awaitFrame((frame) -> "/user/queue/errors".equals(frame.header("destination")), WAIT))
						.get("status")
						.asInt())
				.isEqualTo(400);
			// Still connected and working.
			seller.sendMessage(room[0], "{\"text\":\"ok\",\"clientMessageId\":\"5\"}");
			assertThat(body(messages(seller, 1).get(0)).get("text").asString()).isEqualTo("ok");
			assertThat(get(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[1]).json()).hasSize(1);
		}
	}

	/**
	 * One user holds at most ten connections on an instance: the eleventh is closed at
	 * once (1008), other users are unaffected, and a slot freed by a close is usable
	 * again.
	 */
	@Test
	void aUserHoldsAtMostTenConnectionsPerInstance() {
		String token = token(UUID.randomUUID(), "CONSUMER");
		List<StompConnection> open = new ArrayList<>();
		try {
			for (int i = 0; i < 10; i++) {
				open.add(StompConnection.connect(this.port, token));
			}
			StompConnection eleventh = StompConnection.open(this.port, token);
			open.add(eleventh);

			assertThat(eleventh.awaitClosed(Duration.ofSeconds(10))).isEqualTo(1008);
			assertThat(eleventh.closeReason()).startsWith(ConnectionLimit.TOO_MANY_FOR_USER);
			assertThat(open.subList(0, 10)).noneMatch(StompConnection::isClosed);
			try (StompConnection other = StompConnection.connect(this.port, token(UUID.randomUUID(), "CONSUMER"))) {
				assertThat(other.isClosed()).isFalse();
			}
			open.remove(0).close();
			// The server counts the close once it has seen it.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				StompConnection again = StompConnection.open(this.port, token);
				open.add(again);
				assertThat(again.awaitClosed(Duration.ofMillis(500))).isNull();
			});
		}
		finally {
			open.forEach(StompConnection::close);
		}
	}

	/**
	 * The largest valid message fits however a client encodes it: every character
	 * JSON-escaped (2,000 emoji as surrogate pairs, 24,000 chars in a text frame) or raw
	 * in a binary frame (~8.2 KB of UTF-8). Tomcat's own message buffers closed both with
	 * 1009: 8 KB by default, text raised by Spring's STOMP handler to 16 KB only.
	 */
	@Test
	void theLargestMessageIsStoredWhenSentJsonEscapedOrInABinaryFrame() {
		UUID[] room = room();
		String emoji = "😀".repeat(2000);
		Map<String, String> headers = Map.of("destination", "/app/rooms/" + room[0] + "/messages", "content-type",
				"application/json", "receipt", "largest");
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"))) {
			consumer.send("SEND", headers, "{\"text\":\"" + "\\ud83d\\ude00".repeat(2000) + "\",\"clientMessageId\":\""
					+ "t".repeat(100) + "\"}");
			assertThat(body(messages(consumer, 1).get(0)).get("text").asString()).as(consumer.toString())
				.isEqualTo(emoji);
			assertThat(consumer.awaitFrame((frame) -> frame.command().equals("RECEIPT"), WAIT).header("receipt-id"))
				.isEqualTo("largest");
			consumer.sendBinary("SEND", headers,
					"{\"text\":\"" + emoji + "\",\"clientMessageId\":\"" + "b".repeat(100) + "\"}");
			assertThat(body(messages(consumer, 1).get(0)).get("text").asString()).as(consumer.toString())
				.isEqualTo(emoji);
			assertThat(consumer.awaitFrame((frame) -> frame.command().equals("RECEIPT"), WAIT).header("receipt-id"))
				.isEqualTo("largest");
		}
		JsonNode stored = get(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[1]).json();
		assertThat(stored).extracting((message) -> message.get("text").asString()).containsExactly(emoji, emoji);
	}

	/**
	 * A SEND without a body is the client's mistake: a 400 problem for the session (it
	 * was a 500, logged as an error).
	 */
	@Test
	void aSendWithoutABodyIsAValidationProblem() {
		UUID[] room = room();
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"))) {
			consumer.send("SEND", Map.of("destination", "/app/rooms/" + room[0] + "/messages", "content-type",
					"application/json", "content-length", "0", "receipt", "empty"), "");
			Frame error = consumer.awaitFrame((frame) -> "/user/queue/errors".equals(frame.header("destination")),
					WAIT);
			assertThat(body(error).get("status").asInt()).isEqualTo(400);
			assertThat(body(error).get("type").asString()).endsWith("/validation");
			assertThat(body(error).get("receiptId").asString()).isEqualTo("empty");
		}
	}

	/**
	 * A pushed message is the stored one, {@code sentAt} included (to the millisecond).
	 */
	@Test
	void thePushedMessageEqualsTheStoredOne() {
		UUID[] room = room();
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"))) {
			consumer.sendMessage(room[0], "{\"text\":\"같은 메시지\",\"clientMessageId\":\"s\"}");
			JsonNode pushed = body(messages(consumer, 1).get(0));
			JsonNode stored = get(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[1]).json().get(0);
			assertThat(pushed).isEqualTo(stored);
		}
	}

	@Test
	void theConnectionClosesWhenItsTokenExpires() {
		UUID[] room = room();
		// Long enough for the upgrade, CONNECT (the relay's own connection to RabbitMQ),
		// three SUBSCRIBEs and a SEND on a slow machine; exp is in whole seconds.
		String shortLived = signer.token(
				TestJwts.claims(room[1], "CONSUMER").expirationTime(Date.from(Instant.now().plusSeconds(10))).build());
		try (StompConnection consumer = StompConnection.ready(this.port, shortLived)) {
			consumer.sendMessage(room[0], "{\"text\":\"still valid\",\"clientMessageId\":\"1\"}");
			assertThat(messages(consumer, 1)).hasSize(1);
			Frame error = consumer.awaitFrame((frame) -> frame.command().equals("ERROR"), Duration.ofSeconds(20));
			assertThat(error.header("message")).isEqualTo("token expired");
			assertThat(consumer.awaitClosed(WAIT)).isNotNull();
		}
	}

	@Test
	void oversizedGarbageAndFloodingFramesCloseOnlyThatConnection() {
		UUID[] room = room();
		String token = token(room[1], "CONSUMER");
		try (StompConnection big = StompConnection.connect(this.port, token)) {
			big.sendMessage(room[0], "{\"text\":\"" + "a".repeat(70_000) + "\",\"clientMessageId\":\"1\"}");
			assertThat(big.awaitClosed(WAIT)).isNotNull();
		}
		try (StompConnection garbage = StompConnection.open(this.port, token)) {
			garbage.sendRaw("HELLO\nx\n\n\0");
			assertThat(garbage.awaitClosed(WAIT)).isNotNull();
		}
		try (StompConnection flood = StompConnection.connect(this.port, token)) {
			String send = "SEND\ndestination:/app/rooms/" + room[0] + "/messages\ncontent-type:application/json\n\n";
			for (int i = 0; i < 19; i++) {
				flood.sendRaw(send + "{\"text\":\"spam\",\"clientMessageId\":\"f" + i + "\"}\0");
			}
			// Then 25 frames in one message, more than a second allows whenever it
			// arrives, and nothing after it: a client still writing when the server
			// closes makes the server's TCP stack reset the connection, and the close
			// frame is lost (1006).
			StringBuilder burst = new StringBuilder();
			for (int i = 19; i < 44; i++) {
				burst.append(send).append("{\"text\":\"spam\",\"clientMessageId\":\"f").append(i).append("\"}\0");
			}
			flood.sendRaw(burst.toString());
			assertThat(flood.awaitClosed(WAIT)).isEqualTo(1008);
			assertThat(flood.closeReason()).startsWith("too many frames");
		}
		// The frames within the limit are still stored after the close (the burst is
		// refused whole): wait until all are, so their echoes do not reach the next
		// connection.
		List<Integer> stored = new ArrayList<>();
		await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
			stored.add(get(this.port, "/api/chat/rooms/" + room[0] + "/messages?limit=100", room[1]).json().size());
			int last = stored.size() - 1;
			return last > 0 && stored.get(last) >= 19 && stored.get(last).equals(stored.get(last - 1));
		});
		assertThat(stored.get(stored.size() - 1)).isEqualTo(19);
		try (StompConnection fine = StompConnection.ready(this.port, token)) {
			fine.sendMessage(room[0], "{\"text\":\"still here\",\"clientMessageId\":\"ok\"}");
			assertThat(messages(fine, 1)).isNotEmpty();
		}
	}

	/**
	 * With the app's 10 s heart-beats: a client that beats, and one that only sends
	 * messages (any frame counts, though messages to /app never reach the broker: the
	 * relay beats for it), stay; a silent one is closed by RabbitMQ.
	 */
	@Test
	void heartBeatsOrMessagesKeepAConnectionOpenAndASilentOneIsClosed() throws Exception {
		UUID[] room = room();
		try (StompConnection beating = StompConnection.open(this.port, token(room[1], "CONSUMER"));
				StompConnection chatty = StompConnection.open(this.port, token(room[1], "CONSUMER"));
				StompConnection silent = StompConnection.open(this.port, token(room[2], "SELLER"))) {
			for (StompConnection connection : List.of(beating, chatty, silent)) {
				connection.send("CONNECT", Map.of("accept-version", "1.2", "heart-beat", "10000,10000"), "");
				assertThat(connection.expect("CONNECTED").header("heart-beat")).isEqualTo("10000,10000");
				connection.subscribe("m", "/user/queue/messages");
			}
			for (int second = 1; second <= 32; second++) {
				Thread.sleep(1000);
				if (second % 10 == 0) {
					beating.sendRaw("\n"); // exactly at the interval, as stompjs does
				}
				if (second % 3 == 0) {
					chatty.sendMessage(room[0],
							"{\"text\":\"m" + second + "\",\"clientMessageId\":\"h" + second + "\"}");
				}
			}
			assertThat(silent.isClosed()).as("closed after missed heart-beats").isTrue();
			assertThat(beating.isClosed()).isFalse();
			assertThat(chatty.isClosed()).isFalse();
			assertThat(messages(beating, 10)).hasSize(10);
		}
	}

	@Test
	void aClosedConnectionLeavesNoQueueInTheBroker() {
		UUID[] room = room();
		String queues = "/api/queues/" + URLEncoder.encode(vhost(), StandardCharsets.UTF_8) + "?columns=name";
		try (StompConnection consumer = StompConnection.ready(this.port, token(room[1], "CONSUMER"))) {
			assertThat(TestRabbit.management(queues)).contains("stomp-subscription");
		}
		await().atMost(WAIT).until(() -> !TestRabbit.management(queues).contains("stomp-subscription"));
	}

	/**
	 * A send as a client makes it: a 503 room-busy (the lease not free within
	 * {@code moa.chat.room-wait}, as 20 senders on a slow machine can make it) is retried
	 * after its Retry-After. Nothing was stored, so the retry stores it (201).
	 */
	private int postRetryingWhileRoomBusy(int port, String path, UUID user, Object body) {
		AtomicReference<Response> response = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(60))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> {
				response.set(post(port, path, user, body));
				return response.get().status() != 503
						|| !response.get().json().get("type").asString().endsWith("/room-busy");
			});
		return response.get().status();
	}

	private List<Frame> messages(StompConnection connection, int count) {
		List<Frame> frames = new ArrayList<>();
		while (frames.size() < count) {
			frames.add(
					connection.awaitFrame((frame) -> "/user/queue/messages".equals(frame.header("destination")), WAIT));
		}
		return frames;
	}

	private JsonNode body(Frame frame) {
		return this.json.readTree(frame.body());
	}

}
