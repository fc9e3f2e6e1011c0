package com.moa.chat.ws;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import com.moa.chat.ChatProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The instance-wide bound (the per-user one runs over real connections in
 * {@link StompIntegrationTests}): two users with two connections each fill an instance of
 * three, and a close frees a place. The close of a connection without CONNECT, here with
 * the scheduler's task in hand (over real connections in
 * {@link ConnectDeadlineIntegrationTests}).
 */
class ConnectionLimitTests {

	private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TaskScheduler scheduler = mock(TaskScheduler.class);

	private final ScheduledFuture<?> closing = mock(ScheduledFuture.class);

	private final WebSocketHandler limited;

	ConnectionLimitTests() {
		given(this.scheduler.getClock()).willReturn(Clock.fixed(NOW, ZoneOffset.UTC));
		doReturn(this.closing).when(this.scheduler).schedule(any(Runnable.class), any(Instant.class));
		this.limited = new ConnectionLimit(properties(2, 3), this.scheduler, this.meters)
			.decorate(mock(WebSocketHandler.class));
	}

	@Test
	void aFullInstanceClosesNewConnectionsWith1013UntilOneCloses() throws Exception {
		WebSocketSession a1 = session("a");
		WebSocketSession a2 = session("a");
		WebSocketSession b1 = session("b");
		WebSocketSession b2 = session("b");
		WebSocketSession b3 = session("b");
		for (WebSocketSession session : new WebSocketSession[] { a1, a2, b1 }) {
			this.limited.afterConnectionEstablished(session);
			verify(session, never()).close(any());
		}

		this.limited.afterConnectionEstablished(b2);
		verify(b2).close(CloseStatus.SERVICE_OVERLOAD.withReason(ConnectionLimit.INSTANCE_FULL));
		this.limited.afterConnectionClosed(b2, CloseStatus.SERVICE_OVERLOAD);
		this.limited.afterConnectionClosed(a1, CloseStatus.NORMAL);
		this.limited.afterConnectionEstablished(b3);
		verify(b3, never()).close(any());
		assertThat(this.meters.get("moa_chat_websockets").gauge().value()).isEqualTo(3);
		assertThat(this.meters.get("moa_chat_connections_refused_total").counter().count()).isEqualTo(1);
	}

	@Test
	void aRefusedConnectionFreesNothingWhenItCloses() throws Exception {
		WebSocketSession a1 = session("a");
		WebSocketSession a2 = session("a");
		WebSocketSession a3 = session("a");
		this.limited.afterConnectionEstablished(a1);
		this.limited.afterConnectionEstablished(a2);

		this.limited.afterConnectionEstablished(a3);
		this.limited.afterConnectionClosed(a3, CloseStatus.POLICY_VIOLATION);
		WebSocketSession a4 = session("a");
		this.limited.afterConnectionEstablished(a4);

		verify(a3).close(CloseStatus.POLICY_VIOLATION.withReason(ConnectionLimit.TOO_MANY_FOR_USER + "; at most 2"));
		verify(a4).close(CloseStatus.POLICY_VIOLATION.withReason(ConnectionLimit.TOO_MANY_FOR_USER + "; at most 2"));
		assertThat(this.meters.get("moa_chat_websockets").gauge().value()).isEqualTo(2);
	}

	@Test
	void aConnectionStillWithoutConnectAtTheDeadlineIsClosedAndAConnectedOneIsNot() throws Exception {
		WebSocketSession unconnected = session("a");
		WebSocketSession connected = session("b");
		this.limited.afterConnectionEstablished(unconnected);
		Runnable closeUnconnected = scheduled(NOW.plusSeconds(10));
		this.limited.afterConnectionEstablished(connected);
		Runnable closeConnected = scheduled(NOW.plusSeconds(10));
		connected.getAttributes().put(StompGuard.USER, "connected");

		closeUnconnected.run();
		closeConnected.run();

		verify(unconnected).close(CloseStatus.POLICY_VIOLATION.withReason(ConnectionLimit.NO_CONNECT + "10000 ms"));
		verify(connected, never()).close(any());
		assertThat(this.meters.get("moa_chat_connections_closed_unconnected_total")
			.tag("reason", "no-connect")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("moa_chat_connections_closed_unconnected_total")
			.tag("reason", "token-expired")
			.counter()
			.count()).isZero();
	}

	@Test
	void aCloseCancelsTheDeadline() throws Exception {
		WebSocketSession session = session("a");
		this.limited.afterConnectionEstablished(session);

		this.limited.afterConnectionClosed(session, CloseStatus.NORMAL);

		verify(this.closing).cancel(false);
	}

	/** The task the scheduler got for the latest connection, due at the instant. */
	private Runnable scheduled(Instant due) {
		ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
		verify(this.scheduler, atLeastOnce()).schedule(task.capture(), eq(due));
		return task.getValue();
	}

	private static WebSocketSession session(String user) {
		WebSocketSession session = mock(WebSocketSession.class);
		Map<String, Object> attributes = new HashMap<>();
		Principal principal = () -> user;
		given(session.getAttributes()).willReturn(attributes);
		given(session.getPrincipal()).willReturn(principal);
		given(session.isOpen()).willReturn(true);
		return session;
	}

	private static ChatProperties properties(int perUser, int total) {
		return new ChatProperties(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(3), 61613,
				DataSize.ofKilobytes(32), 20, 50, 32, Duration.ofSeconds(10), 50, perUser, total,
				Duration.ofSeconds(10));
	}

}
