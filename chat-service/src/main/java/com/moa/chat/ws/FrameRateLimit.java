package com.moa.chat.ws;

import java.nio.ByteBuffer;
import java.time.Duration;

import com.moa.chat.ChatProperties;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;

/**
 * At most {@code moa.chat.frames-per-second} STOMP frames per second per connection,
 * counted as they arrive, before Spring decodes and queues them; more closes the
 * connection (1008, "too many frames").
 * <p>
 * Counted here rather than when a frame is handled: a connection's frames are handled one
 * at a time (in order), the rest wait in a queue per connection that Spring does not
 * bound, so a limit checked at handling let one client pile up frames without end while
 * its earlier ones waited on a slow MongoDB. Several frames may share one WebSocket
 * message: each frame's NUL terminator counts.
 */
@Component
class FrameRateLimit implements WebSocketHandlerDecoratorFactory {

	static final String TOO_MANY = "too many frames";

	private static final String LIMITER = "moa.frame-rate";

	private final RateLimiterConfig rate;

	private final Counter refusals;

	FrameRateLimit(ChatProperties properties, MeterRegistry meters) {
		this.rate = RateLimiterConfig.custom()
			.limitForPeriod(properties.framesPerSecond())
			.limitRefreshPeriod(Duration.ofSeconds(1))
			.timeoutDuration(Duration.ZERO)
			.build();
		this.refusals = meters.counter(StompGuard.REFUSALS);
	}

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new WebSocketHandlerDecorator(handler) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				session.getAttributes().put(LIMITER, RateLimiter.of("ws-" + session.getId(), FrameRateLimit.this.rate));
				super.afterConnectionEstablished(session);
			}

			@Override
			public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
				RateLimiter limiter = (RateLimiter) session.getAttributes().get(LIMITER);
				if (limiter != null && !limiter.acquirePermission(frames(message))) {
					FrameRateLimit.this.refusals.increment();
					session.close(CloseStatus.POLICY_VIOLATION.withReason(
							TOO_MANY + "; at most " + FrameRateLimit.this.rate.getLimitForPeriod() + " per second"));
					return;
				}
				super.handleMessage(session, message);
			}

		};
	}

	/** The STOMP frames a message ends (at least one: a part of a frame costs too). */
	static int frames(WebSocketMessage<?> message) {
		int frames = 0;
		if (message instanceof TextMessage text) {
			String payload = text.getPayload();
			for (int i = payload.indexOf('\0'); i >= 0; i = payload.indexOf('\0', i + 1)) {
				frames++;
			}
		}
		else if (message instanceof BinaryMessage binary) {
			ByteBuffer payload = binary.getPayload();
			for (int i = payload.position(); i < payload.limit(); i++) {
				frames += (payload.get(i) == 0) ? 1 : 0;
			}
		}
		return Math.max(1, frames);
	}

}
