package com.moa.chat.ws;

import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.moa.chat.ChatProperties;
import com.moa.platform.security.UserAuthentication;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.TaskScheduler;
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
 * <p>
 * A connection that has not sent CONNECT within {@code moa.chat.connect-deadline}, or by
 * the time its upgrade's token expires if that is sooner, is closed (1008), which frees
 * its place. Nothing else would: the close at token expiry ({@link SessionExpiry}) starts
 * with CONNECT, and Spring's own check (a minute without any message) takes the bytes of
 * a frame never finished for a message, so a client trickling them held its place for
 * good.
 */
@Component
class ConnectionLimit implements WebSocketHandlerDecoratorFactory {

	static final String TOO_MANY_FOR_USER = "too many connections for this user";

	static final String INSTANCE_FULL = "this instance is full, try again later";

	static final String NO_CONNECT = "no CONNECT within ";

	static final String TOKEN_EXPIRED = "token expired";

	private static final Logger logger = LoggerFactory.getLogger(ConnectionLimit.class);

	private static final String ADMITTED = "moa.connection-admitted";

	private static final String UNCONNECTED_CLOSING = "moa.unconnected-closing";

	private final int perUser;

	private final int total;

	private final Duration connectDeadline;

	private final TaskScheduler scheduler;

	private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

	private final AtomicInteger openTotal = new AtomicInteger();

	private final Counter refusals;

	private final Counter closedWithoutConnect;

	private final Counter closedAtTokenExpiry;

	ConnectionLimit(ChatProperties properties, @Lazy @Qualifier("messageBrokerTaskScheduler") TaskScheduler scheduler,
			MeterRegistry meters) {
		this.perUser = properties.connectionsPerUser();
		this.total = properties.connections();
		this.connectDeadline = properties.connectDeadline();
		this.scheduler = scheduler;
		this.refusals = meters.counter("moa_chat_connections_refused_total");
		// A rising count: clients that do not CONNECT (an old app, a proxy eating the
		// frame) or someone holding places open.
		this.closedWithoutConnect = meters.counter("moa_chat_connections_closed_unconnected_total", "reason",
				"no-connect");
		this.closedAtTokenExpiry = meters.counter("moa_chat_connections_closed_unconnected_total", "reason",
				"token-expired");
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
				else {
					scheduleCloseUnlessConnected(session);
				}
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
				if (session.getAttributes().remove(UNCONNECTED_CLOSING) instanceof ScheduledFuture<?> closing) {
					closing.cancel(false);
				}
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

	/**
	 * Closes the session at the CONNECT deadline or its upgrade token's expiry, whichever
	 * comes first, unless it has CONNECTed by then; after CONNECT its own token's expiry
	 * closes it.
	 */
	private void scheduleCloseUnlessConnected(WebSocketSession session) {
		Instant deadline = this.scheduler.getClock().instant().plus(this.connectDeadline);
		Instant expires = (session.getPrincipal() instanceof UserAuthentication upgrade)
				? upgrade.getToken().getExpiresAt() : null;
		boolean expiresFirst = expires != null && expires.isBefore(deadline);
		CloseStatus status = CloseStatus.POLICY_VIOLATION
			.withReason(expiresFirst ? TOKEN_EXPIRED : NO_CONNECT + this.connectDeadline.toMillis() + " ms");
		session.getAttributes()
			.put(UNCONNECTED_CLOSING,
					this.scheduler.schedule(
							() -> closeUnlessConnected(session, status,
									expiresFirst ? this.closedAtTokenExpiry : this.closedWithoutConnect),
							expiresFirst ? expires : deadline));
	}

	private static void closeUnlessConnected(WebSocketSession session, CloseStatus status, Counter closed) {
		if (!session.isOpen() || session.getAttributes().containsKey(StompGuard.USER)) {
			return;
		}
		closed.increment();
		try {
			session.close(status);
		}
		catch (IOException ex) {
			logger.debug("Closing session {} without CONNECT failed", session.getId(), ex);
		}
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
