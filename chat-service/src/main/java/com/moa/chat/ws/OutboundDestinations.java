package com.moa.chat.ws;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * A MESSAGE frame from one of the caller's broker topics shows the client-facing
 * destination it subscribed to ({@code /user/queue/messages}), not the broker's name.
 */
@Component
class OutboundDestinations implements ChannelInterceptor {

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		StompHeaderAccessor accessor = StompHeaderAccessor.wrap(message);
		if (accessor.getCommand() != StompCommand.MESSAGE || accessor.getDestination() == null) {
			return message;
		}
		String destination = StompDestinations.clientDestination(accessor.getDestination());
		if (destination == null) {
			return message;
		}
		accessor.setDestination(destination);
		return MessageBuilder.createMessage(message.getPayload(), accessor.getMessageHeaders());
	}

}
