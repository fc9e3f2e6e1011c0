package com.moa.chat.ws;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.MessageChannel;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * Closes a connection when its access token expires: an ERROR frame ("token expired") and
 * the close that follows it. STOMP has no way to re-authenticate an open connection, so
 * the client reconnects with a fresh token (stompjs: a {@code beforeConnect} that
 * refreshes it) and catches up from its last seq over REST.
 */
@Component
class SessionExpiry {

	private final MessageChannel clientOutboundChannel;

	private final TaskScheduler scheduler;

	private final Map<String, ScheduledFuture<?>> closings = new ConcurrentHashMap<>();

	private final Counter expired;

	SessionExpiry(@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutboundChannel,
			@Lazy @Qualifier("messageBrokerTaskScheduler") TaskScheduler scheduler, MeterRegistry meters) {
		this.clientOutboundChannel = clientOutboundChannel;
		this.scheduler = scheduler;
		this.expired = meters.counter("moa_chat_sessions_expired_total");
		// Every authenticated connection has its closing scheduled here until it ends.
		meters.gauge("moa_chat_connections", this.closings, Map::size);
	}

	void schedule(String sessionId, Instant expiresAt) {
		ScheduledFuture<?> previous = this.closings.put(sessionId,
				this.scheduler.schedule(() -> close(sessionId), expiresAt));
		if (previous != null) {
			previous.cancel(false);
		}
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		ScheduledFuture<?> closing = this.closings.remove(event.getSessionId());
		if (closing != null) {
			closing.cancel(false);
		}
	}

	private void close(String sessionId) {
		this.closings.remove(sessionId);
		this.expired.increment();
		this.clientOutboundChannel.send(StompFrames.error(sessionId, "token expired", null));
	}

}
