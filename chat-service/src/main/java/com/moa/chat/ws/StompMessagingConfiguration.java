package com.moa.chat.ws;

import jakarta.websocket.Session;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

/**
 * What {@code @EnableWebSocketMessageBroker} imports (configured by
 * {@link WebSocketConfig}), with each connection's sends going through
 * {@link DrainingSessionDecorator}. Extending the configuration is Spring's documented
 * way to change a bean it declares.
 */
@Configuration(proxyBeanMethods = false)
class StompMessagingConfiguration extends DelegatingWebSocketMessageBrokerConfiguration {

	@Bean
	@Override
	public WebSocketHandler subProtocolWebSocketHandler(AbstractSubscribableChannel clientInboundChannel,
			AbstractSubscribableChannel clientOutboundChannel) {
		SubProtocolWebSocketHandler handler = new DrainingSubProtocolWebSocketHandler(clientInboundChannel,
				clientOutboundChannel);
		handler.setPhase(getPhase());
		return handler;
	}

	/** Tomcat's per-session timeout of a blocking write, in milliseconds (Long). */
	static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final class DrainingSubProtocolWebSocketHandler extends SubProtocolWebSocketHandler {

		DrainingSubProtocolWebSocketHandler(MessageChannel clientInboundChannel,
				SubscribableChannel clientOutboundChannel) {
			super(clientInboundChannel, clientOutboundChannel);
		}

		@Override
		protected WebSocketSession decorateSession(WebSocketSession session) {
			// Tomcat's write to a client that does not read blocks for 20 s by default,
			// holding an outbound thread; Spring's send time limit is only checked when
			// a second frame meets the first still being written, which publish order
			// never lets happen. Tomcat's own timeout enforces the limit: the write
			// fails and Spring closes the connection.
			if (session instanceof NativeWebSocketSession nativeSession
					&& nativeSession.getNativeSession() instanceof Session tomcat) {
				tomcat.getUserProperties().put(BLOCKING_SEND_TIMEOUT, (long) getSendTimeLimit());
			}
			return new DrainingSessionDecorator(session, getSendTimeLimit(), getSendBufferSizeLimit());
		}

	}

}
