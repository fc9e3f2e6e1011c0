package com.moa.chat.ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The race that dropped ERROR frames: one thread still writing CONNECTED, another
 * queueing the ERROR and closing. Fails with Spring's own decorator (the ERROR is never
 * written).
 */
class DrainingSessionDecoratorTests {

	private final List<String> written = new CopyOnWriteArrayList<>();

	private final CountDownLatch firstWriteStarted = new CountDownLatch(1);

	private final CountDownLatch releaseFirstWrite = new CountDownLatch(1);

	private final WebSocketSession connection = connection();

	private DrainingSessionDecorator session;

	@Test
	void aFrameQueuedBehindAnotherThreadsWriteIsWrittenBeforeTheClose() throws Exception {
		// A limit the writer cannot miss on a slow machine: this test is about the order.
		this.session = decorator(Duration.ofSeconds(5));
		Thread writer = start(() -> send("CONNECTED"));
		assertThat(this.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
		send("ERROR"); // queued: the writer holds the connection
		Thread closer = start(this::closeAfterError);
		awaitParkedOrDone(closer);
		this.releaseFirstWrite.countDown();
		writer.join(5_000);
		closer.join(5_000);
		assertThat(this.written).containsExactly("CONNECTED", "ERROR", "close 1002");
	}

	@Test
	void aConnectionThatDoesNotDrainIsClosedAfterTheLimitNotTheSendTimeLimit() throws Exception {
		this.session = decorator(DrainingSessionDecorator.DRAIN_LIMIT);
		Thread writer = start(() -> send("CONNECTED"));
		assertThat(this.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
		send("ERROR");
		Thread closer = start(this::closeAfterError);
		closer.join(5_000);
		assertThat(closer.isAlive()).isFalse();
		assertThat(this.written).containsExactly("close 1002");
		this.releaseFirstWrite.countDown();
		writer.join(5_000);
	}

	private DrainingSessionDecorator decorator(Duration drainLimit) {
		return new DrainingSessionDecorator(this.connection, 10_000, 512 * 1024, drainLimit);
	}

	private WebSocketSession connection() {
		WebSocketSession connection = mock(WebSocketSession.class);
		given(connection.getId()).willReturn("s1");
		given(connection.isOpen())
			.willAnswer((invocation) -> this.written.stream().noneMatch((w) -> w.startsWith("close")));
		try {
			willAnswer((invocation) -> {
				String text = invocation.<TextMessage>getArgument(0).getPayload();
				if (text.equals("CONNECTED")) {
					this.firstWriteStarted.countDown();
					this.releaseFirstWrite.await(10, TimeUnit.SECONDS);
				}
				this.written.add(text);
				return null;
			}).given(connection).sendMessage(any());
			willAnswer((invocation) -> this.written.add("close " + invocation.<CloseStatus>getArgument(0).getCode()))
				.given(connection)
				.close(any());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return connection;
	}

	private void send(String text) {
		try {
			this.session.sendMessage(new TextMessage(text));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** What StompSubProtocolHandler does right after sending an ERROR frame. */
	private void closeAfterError() {
		try {
			this.session.close(CloseStatus.PROTOCOL_ERROR);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Thread start(Runnable task) {
		Thread thread = new Thread(task);
		thread.start();
		return thread;
	}

	private static void awaitParkedOrDone(Thread thread) throws InterruptedException {
		while (thread.isAlive() && thread.getState() != Thread.State.TIMED_WAITING) {
			Thread.sleep(1);
		}
	}

}
