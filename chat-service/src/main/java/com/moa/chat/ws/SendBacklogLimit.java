package com.moa.chat.ws;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.moa.chat.ChatProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.annotation.support.SimpAnnotationMethodMessageHandler;
import org.springframework.messaging.simp.stomp.BufferingStompDecoder;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ExecutorChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
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
 * At most {@code moa.chat.sends-in-flight} SEND frames per connection waiting or being
 * handled; one more is answered with an ERROR frame and the connection is closed.
 * <p>
 * A connection's frames are handled one at a time, in order, and the rest wait in a queue
 * per connection that Spring does not bound. Within the frame rate
 * ({@link FrameRateLimit}) a client still sends faster than its sends fail while MongoDB
 * is slow (each waits out its timeout), so that queue, and the memory it holds, grew for
 * as long as MongoDB was slow. Spring decodes a WebSocket message and queues its frames
 * in one step, with nothing to hook in between, so the SEND frames are counted as they
 * arrive by decoding the message here too (Spring's decoder, a second one per
 * connection), and counted off once the controller has handled them, however that ended,
 * or once {@link StompGuard} dropped them.
 */
@Component
class SendBacklogLimit implements WebSocketHandlerDecoratorFactory, ExecutorChannelInterceptor {

	static final String TOO_MANY = "too many sends in flight";

	/** SEND frames waiting or being handled, over the open connections. */
	static final String IN_FLIGHT = "moa_chat_sends_in_flight";

	private static final String BACKLOG = "moa.send-backlog";

	private final int limit;

	private final int frameLimit;

	private final StompDecoder decoder = new StompDecoder();

	private final MessageChannel clientOutboundChannel;

	private final Counter refusals;

	private final Set<Backlog> openBacklogs = ConcurrentHashMap.newKeySet();

	SendBacklogLimit(ChatProperties properties,
			@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutboundChannel, MeterRegistry meters) {
		this.limit = properties.sendsInFlight();
		this.frameLimit = (int) properties.frameLimit().toBytes();
		this.clientOutboundChannel = clientOutboundChannel;
		this.refusals = meters.counter(StompGuard.REFUSALS);
		meters.gauge(IN_FLIGHT, this.openBacklogs,
				(backlogs) -> backlogs.stream().mapToInt((backlog) -> backlog.inFlight.get()).sum());
	}

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new WebSocketHandlerDecorator(handler) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				Backlog backlog = new Backlog(
						new BufferingStompDecoder(SendBacklogLimit.this.decoder, SendBacklogLimit.this.frameLimit));
				session.getAttributes().put(BACKLOG, backlog);
				SendBacklogLimit.this.openBacklogs.add(backlog);
				super.afterConnectionEstablished(session);
			}

			@Override
			public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
				Backlog backlog = (Backlog) session.getAttributes().get(BACKLOG);
				if (backlog != null && !backlog.admit(message, SendBacklogLimit.this.limit)) {
					refuse(session, backlog);
					return;
				}
				super.handleMessage(session, message);
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
				SendBacklogLimit.this.openBacklogs.remove(session.getAttributes().get(BACKLOG));
				super.afterConnectionClosed(session, closeStatus);
			}

		};
	}

	private void refuse(WebSocketSession session, Backlog backlog) {
		if (backlog.refused) {
			return; // already answered; the connection is closing
		}
		backlog.refused = true;
		this.refusals.increment();
		this.clientOutboundChannel.send(StompFrames.error(session.getId(),
				TOO_MANY + "; at most " + this.limit + " may wait to be handled", null));
	}

	/**
	 * A frame {@link StompGuard} (later in the chain) dropped, or one not sent at all.
	 */
	@Override
	public void afterSendCompletion(Message<?> message, MessageChannel channel, boolean sent, Exception ex) {
		if (!sent) {
			countOff(message);
		}
	}

	/**
	 * Called for each of the channel's handlers however it ended; a SEND is the business
	 * of the one calling {@link StompMessageController}.
	 */
	@Override
	public void afterMessageHandled(Message<?> message, MessageChannel channel, MessageHandler handler, Exception ex) {
		if (handler instanceof SimpAnnotationMethodMessageHandler) {
			countOff(message);
		}
	}

	private static void countOff(Message<?> message) {
		Map<String, Object> session = SimpMessageHeaderAccessor.getSessionAttributes(message.getHeaders());
		if (isSend(message) && session != null && session.get(BACKLOG) instanceof Backlog backlog) {
			backlog.inFlight.decrementAndGet();
		}
	}

	private static boolean isSend(Message<?> message) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
		return accessor != null && accessor.getCommand() == StompCommand.SEND;
	}

	/** A connection's SEND frames in flight, and the decoder that finds them. */
	private static final class Backlog {

		private final BufferingStompDecoder decoder;

		private final AtomicInteger inFlight = new AtomicInteger();

		/** Set (and read) by the thread reading the connection. */
		private boolean refused;

		Backlog(BufferingStompDecoder decoder) {
			this.decoder = decoder;
		}

		/** Counts in the SEND frames the message completes, unless they are too many. */
		boolean admit(WebSocketMessage<?> message, int limit) {
			if (this.refused) {
				return false;
			}
			int sends = sends(message);
			if (sends > 0 && this.inFlight.addAndGet(sends) > limit) {
				this.inFlight.addAndGet(-sends);
				return false;
			}
			return true;
		}

		private int sends(WebSocketMessage<?> message) {
			ByteBuffer payload;
			if (message instanceof TextMessage text) {
				payload = ByteBuffer.wrap(text.asBytes());
			}
			else if (message instanceof BinaryMessage binary) {
				payload = binary.getPayload().duplicate(); // Spring reads the original
			}
			else {
				return 0;
			}
			try {
				int sends = 0;
				for (Message<byte[]> frame : this.decoder.decode(payload)) {
					sends += isSend(frame) ? 1 : 0;
				}
				return sends;
			}
			catch (RuntimeException ex) {
				// Not STOMP or too large: Spring's decoder fails on the same bytes and
				// closes the connection.
				return 0;
			}
		}

	}

}
