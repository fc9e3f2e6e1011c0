package com.moa.chat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.moa.platform.testing.TestRabbit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Dependencies really away (the proxies in front of them cut). MongoDB: requests answer
 * 503 problem JSON within seconds and the service stays ready. RabbitMQ's STOMP side, or
 * RabbitMQ blocking publishers: messages are still stored and served over REST; once it
 * is back, real time resumes.
 */
class OutageIntegrationTests extends ChatIntegrationTestSupport {

	@Autowired
	ApplicationContext context;

	@Autowired
	MeterRegistry meters;

	private Health broker() {
		return this.context.getBean("stompBroker", HealthIndicator.class).health();
	}

	@Test
	void withoutMongoRequestsFailFastAndRecover() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		this.mongoProxy.cut();
		try {
			long started = System.nanoTime();
			Response listing = get(this.port, messages, room[1]);
			assertThat(listing.status()).isEqualTo(503);
			assertThat(listing.body()).contains("service-unavailable");
			Response sending = post(this.port, messages, room[1], Map.of("text", "hi", "clientMessageId", "1"));
			assertThat(sending.status()).isEqualTo(503);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			assertThat(get(this.port, "/actuator/health/readiness", null).status()).isEqualTo(200);
		}
		finally {
			this.mongoProxy.restore();
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> post(this.port, messages, room[1], Map.of("text", "hi", "clientMessageId", "1"))
				.status() == 201);
		assertThat(get(this.port, messages, room[2]).json()).hasSize(1);
	}

	/**
	 * A connection's frames are handled one at a time; with MongoDB gone each send waits
	 * for its timeout. A flood is still cut on arrival instead of queueing behind them
	 * (with the limit checked at handling, the 21st frame came after ~20 timeouts).
	 */
	@Test
	void aFloodWhileMongoIsDownIsCutOnArrivalNotQueued() {
		UUID[] room = room();
		String send = "SEND\ndestination:/app/rooms/" + room[0] + "/messages\ncontent-type:application/json\n\n";
		try (StompConnection flood = StompConnection.connect(this.port, token(room[1], "CONSUMER"))) {
			this.mongoProxy.cut();
			try {
				// 30 frames in one WebSocket message count as 30.
				StringBuilder packed = new StringBuilder();
				for (int i = 0; i < 30; i++) {
					packed.append(send).append("{\"text\":\"x\",\"clientMessageId\":\"p").append(i).append("\"}\0");
				}
				flood.sendRaw(packed.toString());
				assertThat(flood.awaitClosed(Duration.ofSeconds(5))).isEqualTo(1008);
				assertThat(flood.closeReason()).startsWith("too many frames");
			}
			finally {
				this.mongoProxy.restore();
			}
		}
	}

	/**
	 * Within the frame rate a client still sends faster than its sends fail with MongoDB
	 * away (one at a time, each after its timeout): past {@code moa.chat.sends-in-flight}
	 * (50) waiting, an ERROR frame and the close, not a queue that grows for as long as
	 * the outage lasts.
	 */
	@Test
	void sendsPilingUpWhileMongoIsDownAreCutAtTheBacklogLimit() {
		UUID[] room = room();
		String send = "SEND\ndestination:/app/rooms/" + room[0] + "/messages\ncontent-type:application/json\n\n";
		try (StompConnection client = StompConnection.connect(this.port, token(room[1], "CONSUMER"))) {
			this.mongoProxy.cut();
			try {
				StompConnection.Frame answer = null;
				int sent = 0;
				// 15 frames a second, within the 20 allowed, for up to 12 s.
				while (answer == null && sent < 180 && !client.isClosed()) {
					StringBuilder batch = new StringBuilder();
					for (int i = 0; i < 15; i++) {
						batch.append(send)
							.append("{\"text\":\"x\",\"clientMessageId\":\"q")
							.append(sent++)
							.append("\"}\0");
					}
					client.sendRawUnlessClosed(batch.toString());
					answer = client.next(Duration.ofMillis(1100));
				}
				assertThat(answer).as("after %s sends: %s", sent, client).isNotNull();
				assertThat(answer.command()).isEqualTo("ERROR");
				assertThat(answer.header("message")).startsWith("too many sends in flight");
				assertThat(sent).isGreaterThan(50);
				assertThat(client.awaitClosed(Duration.ofSeconds(5))).isEqualTo(1002);
			}
			finally {
				this.mongoProxy.restore();
			}
		}
	}

	@Test
	void withoutTheStompBrokerMessagesAreKeptAndRealTimeResumes() {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		stompProxy.cut();
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> broker().getStatus() == Status.DOWN);
			Response sent = post(this.port, messages, room[1], Map.of("text", "while away", "clientMessageId", "1"));
			assertThat(sent.status()).isEqualTo(201);
			assertThat(get(this.port, messages, room[2]).json().get(0).get("text").asString()).isEqualTo("while away");
			assertThat(get(this.port, "/actuator/health/readiness", null).status()).isEqualTo(200);
		}
		finally {
			stompProxy.restore();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> broker().getStatus() == Status.UP);
		try (StompConnection seller = StompConnection.ready(this.port, token(room[2], "SELLER"))) {
			post(this.port, messages, room[1], Map.of("text", "back", "clientMessageId", "2"));
			StompConnection.Frame frame = seller
				.awaitFrame((f) -> "/user/queue/messages".equals(f.header("destination")), Duration.ofSeconds(10));
			assertThat(frame.body()).contains("\"seq\":2").contains("back");
		}
	}

	/**
	 * During a memory or disk alarm RabbitMQ stops reading from publishing connections.
	 * Sends and reads are still stored and answered at once, their pushes counted as
	 * failed (each push on the blocked connection waited out its confirm, the next one a
	 * channel open never answered: minutes), and pushes resume once the alarm clears.
	 * Raises a memory alarm on the shared local broker for a few seconds with
	 * rabbitmqctl, cleared whatever happens.
	 */
	@Test
	void whileRabbitBlocksPublishersSendsAreAnsweredAtOnceAndPushesResumeAfter() throws Exception {
		UUID[] room = room();
		String messages = "/api/chat/rooms/" + room[0] + "/messages";
		Counter failedPushes = this.meters.counter("moa_chat_pushes_failed_total");
		int sends = 30;
		ExecutorService requests = Executors.newSingleThreadExecutor();
		try (StompConnection seller = StompConnection.ready(this.port, token(room[2], "SELLER"))) {
			// The pushes' connection is up and has published, as in a running service.
			post(this.port, messages, room[1], Map.of("text", "before", "clientMessageId", "0"));
			seller.awaitFrame((f) -> f.body().contains("before"), Duration.ofSeconds(10));
			double failedBefore = failedPushes.count();
			assumeThat(
					TestRabbit.rabbitmqctl("eval", "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []})."))
				.as("rabbitmqctl can control the local broker")
				.isZero();
			try {
				for (int i = 1; i <= sends; i++) {
					Map<String, String> body = Map.of("text", "during " + i, "clientMessageId", "d" + i);
					Response sent = answeredWithin(requests.submit(() -> post(this.port, messages, room[1], body)),
							"send " + i + " of " + sends);
					assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
				}
				Response read = answeredWithin(requests.submit(() -> post(this.port,
						"/api/chat/rooms/" + room[0] + "/read", room[2], Map.of("upToSeq", sends + 1))), "the read");
				assertThat(read.status()).as(read.toString()).isEqualTo(204);
			}
			finally {
				assertThat(
						TestRabbit.rabbitmqctl("eval", "rabbit_alarm:clear_alarm({resource_limit, memory, node()})."))
					.isZero();
			}
			assertThat(failedPushes.count() - failedBefore).as("pushes counted as failed")
				.isGreaterThanOrEqualTo(2 * sends - 2);
			assertThat(get(this.port, messages, room[2]).json()).hasSize(sends + 1);
			post(this.port, messages, room[1], Map.of("text", "after", "clientMessageId", "a"));
			StompConnection.Frame pushed = seller.awaitFrame(
					(f) -> "/user/queue/messages".equals(f.header("destination")) && f.body().contains("after"),
					Duration.ofSeconds(10));
			assertThat(pushed.body()).contains("\"seq\":" + (sends + 2));
		}
		finally {
			requests.shutdownNow();
		}
	}

	/** The answer to a request within 5 s, or the test fails saying which. */
	private static Response answeredWithin(Future<Response> request, String what) throws Exception {
		try {
			return request.get(5, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError(what + " during the alarm was not answered within 5 s");
		}
	}

}
