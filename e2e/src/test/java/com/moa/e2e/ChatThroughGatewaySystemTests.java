package com.moa.e2e;

import java.lang.reflect.Type;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static com.moa.e2e.Api.get;
import static com.moa.e2e.Api.json;
import static com.moa.e2e.Api.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat as the apps use it, with Spring's STOMP client: the consumer through one gateway
 * to one chat-service instance, the seller through the other gateway to the other
 * instance. Messages cross in seq order, a read receipt arrives, and a client that was
 * away catches up over REST without a gap.
 */
class ChatThroughGatewaySystemTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	static ThreadPoolTaskScheduler scheduler;

	static WebSocketStompClient stomp;

	@BeforeAll
	static void startSystem() throws Exception {
		SystemUnderTest.start();
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.initialize();
		stomp = new WebSocketStompClient(new StandardWebSocketClient());
		stomp.setMessageConverter(new JacksonJsonMessageConverter());
		stomp.setTaskScheduler(scheduler);
		stomp.setDefaultHeartbeat(new long[] { 10_000, 10_000 });
	}

	@AfterAll
	static void stop() {
		scheduler.shutdown();
	}

	@Test
	void consumerAndSellerOnDifferentInstancesChatInOrder() throws Exception {
		String sellerEmail = Api.signup("SELLER");
		String sellerToken = Api.login(sellerEmail, Api.PASSWORD).get("accessToken").asString();
		String sellerId = me(sellerToken).get("id").asString();
		String consumerToken = Api.accessToken("CONSUMER");
		String roomId = openRoom(consumerToken, sellerId);

		// The app passes the token as a query parameter, the dashboard as a header.
		Client consumer = connect(SystemUnderTest.gateway, "?access_token=" + consumerToken, null);
		Client seller = connect(SystemUnderTest.otherGateway, "", sellerToken);
		try {
			for (int i = 1; i <= 3; i++) {
				consumer.session.send("/app/rooms/" + roomId + "/messages",
						Map.of("text", "문의 " + i, "clientMessageId", "c" + i));
				seller.session.send("/app/rooms/" + roomId + "/messages",
						Map.of("text", "답변 " + i, "clientMessageId", "s" + i));
			}
			List<Map<String, Object>> atSeller = seller.take(6);
			List<Map<String, Object>> atConsumer = consumer.take(6);
			assertThat(atSeller).extracting((message) -> ((Number) message.get("seq")).longValue())
				.containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
			assertThat(atConsumer).isEqualTo(atSeller);
			assertThat(atSeller).extracting((message) -> message.get("text")).contains("문의 1", "문의 3", "답변 1", "답변 3");

			HttpResponse<String> read = post(SystemUnderTest.otherGateway, "/api/chat/rooms/" + roomId + "/read",
					Map.of("upToSeq", 6), sellerToken);
			assertThat(read.statusCode()).isEqualTo(204);
			Map<String, Object> receipt = consumer.receipts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(receipt).containsEntry("roomId", roomId).containsEntry("upToSeq", 6);
		}
		finally {
			consumer.session.disconnect();
		}

		// Away: the seller goes on; back: REST fills the gap, then real time resumes.
		seller.session.send("/app/rooms/" + roomId + "/messages", Map.of("text", "부재 중 1", "clientMessageId", "s4"));
		seller.session.send("/app/rooms/" + roomId + "/messages", Map.of("text", "부재 중 2", "clientMessageId", "s5"));
		seller.take(2);
		Client back = connect(SystemUnderTest.gateway, "?access_token=" + consumerToken, null);
		try {
			JsonNode missed = json.readTree(
					get(SystemUnderTest.gateway, "/api/chat/rooms/" + roomId + "/messages?limit=50", consumerToken)
						.body());
			List<Long> seqs = new ArrayList<>();
			missed.forEach((message) -> seqs.add(message.get("seq").asLong()));
			assertThat(seqs).containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
			JsonNode rooms = json.readTree(get(SystemUnderTest.gateway, "/api/chat/rooms", consumerToken).body());
			assertThat(rooms.get(0).get("unreadCount").asLong()).isEqualTo(5);
			seller.session.send("/app/rooms/" + roomId + "/messages", Map.of("text", "다시", "clientMessageId", "s6"));
			assertThat(back.take(1).get(0)).containsEntry("seq", 9);
		}
		finally {
			back.session.disconnect();
			seller.session.disconnect();
		}
	}

	private static JsonNode me(String token) throws Exception {
		return json.readTree(get(SystemUnderTest.gateway, "/api/auth/me", token).body());
	}

	/** Opens the room once chat-service has heard of the new seller (an event away). */
	private static String openRoom(String consumerToken, String sellerId) throws Exception {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			HttpResponse<String> opened = post(SystemUnderTest.gateway, "/api/chat/rooms", Map.of("sellerId", sellerId),
					consumerToken);
			if (opened.statusCode() == 201) {
				return json.readTree(opened.body()).get("id").asString();
			}
			assertThat(opened.statusCode()).as(opened.body()).isEqualTo(404);
			assertThat(System.nanoTime()).as("seller known to chat in time").isLessThan(deadline);
			Thread.sleep(100);
		}
	}

	private static Client connect(ServiceProcess gateway, String query, String bearer) throws Exception {
		WebSocketHttpHeaders upgrade = new WebSocketHttpHeaders();
		if (bearer != null) {
			upgrade.setBearerAuth(bearer);
		}
		String url = gateway.baseUrl().replace("http://", "ws://") + "/ws/chat" + query;
		Client client = new Client();
		client.session = stomp.connectAsync(url, upgrade, new StompHeaders(), new StompSessionHandlerAdapter() {
		}).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		client.session.setAutoReceipt(true);
		CountDownLatch subscribed = new CountDownLatch(2);
		client.session.subscribe("/user/queue/messages", client.handler(client.messages))
			.addReceiptTask(subscribed::countDown);
		client.session.subscribe("/user/queue/receipts", client.handler(client.receipts))
			.addReceiptTask(subscribed::countDown);
		assertThat(subscribed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("subscriptions confirmed").isTrue();
		client.session.setAutoReceipt(false);
		return client;
	}

	static final class Client {

		StompSession session;

		final BlockingQueue<Map<String, Object>> messages = new LinkedBlockingQueue<>();

		final BlockingQueue<Map<String, Object>> receipts = new LinkedBlockingQueue<>();

		StompFrameHandler handler(BlockingQueue<Map<String, Object>> into) {
			return new StompFrameHandler() {

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return Map.class;
				}

				@Override
				@SuppressWarnings("unchecked")
				public void handleFrame(StompHeaders headers, Object payload) {
					into.add((Map<String, Object>) payload);
				}

			};
		}

		List<Map<String, Object>> take(int count) throws InterruptedException {
			List<Map<String, Object>> taken = new ArrayList<>();
			while (taken.size() < count) {
				Map<String, Object> message = this.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
				assertThat(message).as("message %s of %s", taken.size() + 1, count).isNotNull();
				taken.add(message);
			}
			return taken;
		}

	}

}
