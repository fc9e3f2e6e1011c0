package com.moa.chat.ws;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Frames chat-service answers a connection with itself, sent on the client outbound
 * channel.
 */
final class StompFrames {

	private StompFrames() {
	}

	/**
	 * An ERROR frame; Spring closes the connection once it is written, as STOMP requires.
	 */
	static Message<byte[]> error(String sessionId, String reason, String receiptId) {
		StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
		error.setSessionId(sessionId);
		error.setMessage(reason);
		if (receiptId != null) {
			error.setReceiptId(receiptId);
		}
		return MessageBuilder.createMessage(new byte[0], error.getMessageHeaders());
	}

	static Message<byte[]> receipt(String sessionId, String receiptId) {
		StompHeaderAccessor receipt = StompHeaderAccessor.create(StompCommand.RECEIPT);
		receipt.setSessionId(sessionId);
		receipt.setReceiptId(receiptId);
		return MessageBuilder.createMessage(new byte[0], receipt.getMessageHeaders());
	}

}
