package com.moa.chat.ws;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
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
		// Read before copying: most frames (receipts, heart-beats, errors) are left as
		// they are.
		String broker = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
		String destination = (broker != null) ? StompDestinations.clientDestination(broker) : null;
		if (destination == null) {
			return message;
		}
		StompHeaderAccessor accessor = StompHeaderAccessor.wrap(message);
		if (accessor.getCommand() != StompCommand.MESSAGE) {
			return message;
		}
		accessor.setDestination(destination);
		return MessageBuilder.createMessage(message.getPayload(), accessor.getMessageHeaders());
	}

}
