package com.moa.chat.ws;

import java.security.Principal;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.moa.chat.ChatProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;

/**
 * Open WebSocket connections on this instance: at most
 * {@code moa.chat.connections-per-user} per user and {@code moa.chat.connections} in all.
 * A new connection over either is closed at once (1008 for the user's, 1013 "try again
 * later" for the instance's); the open ones stay.
 * <p>
 * Each connection holds Tomcat's message buffers (frame-limit sized, ~100 KB, taken at
 * the upgrade) and, once connected, a STOMP connection to RabbitMQ with a queue per
 * subscription, until its token expires (15 min). Unbounded, one account opening upgrades
 * at the gateway's rate filled the heap within minutes and pushed RabbitMQ towards its
 * memory alarm, which blocks every service's publishers. Counted per instance: with N
 * instances a user may hold N times the limit, still bounded.
 */
@Component
class ConnectionLimit implements WebSocketHandlerDecoratorFactory {

	static final String TOO_MANY_FOR_USER = "too many connections for this user";

	static final String INSTANCE_FULL = "this instance is full, try again later";

	private static final String ADMITTED = "moa.connection-admitted";

	private final int perUser;

	private final int total;

	private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

	private final AtomicInteger openTotal = new AtomicInteger();

	private final Counter refusals;

	ConnectionLimit(ChatProperties properties, MeterRegistry meters) {
		this.perUser = properties.connectionsPerUser();
		this.total = properties.connections();
		this.refusals = meters.counter("moa_chat_connections_refused_total");
		Gauge.builder("moa_chat_websockets", this.openTotal, AtomicInteger::get)
			.description("Open WebSocket connections on this instance, whether they sent CONNECT or not")
			.register(meters);
	}

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new WebSocketHandlerDecorator(handler) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				// The session is handed on either way, so it ends through the usual path.
				super.afterConnectionEstablished(session);
				CloseStatus refused = admit(session);
				if (refused != null) {
					ConnectionLimit.this.refusals.increment();
					session.close(refused);
				}
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
				if (session.getAttributes().remove(ADMITTED) != null) {
					release(user(session));
				}
				super.afterConnectionClosed(session, status);
			}

		};
	}

	/** Counts the session in, or says why not. */
	private CloseStatus admit(WebSocketSession session) {
		if (this.openTotal.incrementAndGet() > this.total) {
			this.openTotal.decrementAndGet();
			return CloseStatus.SERVICE_OVERLOAD.withReason(INSTANCE_FULL);
		}
		boolean[] admitted = { false };
		this.open.compute(user(session), (user, count) -> {
			int current = (count != null) ? count : 0;
			admitted[0] = current < this.perUser;
			return admitted[0] ? current + 1 : count;
		});
		if (!admitted[0]) {
			this.openTotal.decrementAndGet();
			return CloseStatus.POLICY_VIOLATION.withReason(TOO_MANY_FOR_USER + "; at most " + this.perUser);
		}
		session.getAttributes().put(ADMITTED, Boolean.TRUE);
		return null;
	}

	private void release(String user) {
		this.open.computeIfPresent(user, (key, count) -> (count > 1) ? count - 1 : null);
		this.openTotal.decrementAndGet();
	}

	/** The upgrade's user (the gateway and this service authenticate every upgrade). */
	private static String user(WebSocketSession session) {
		Principal principal = session.getPrincipal();
		return (principal != null) ? principal.getName() : "";
	}

}
