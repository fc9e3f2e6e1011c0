package com.moa.chat.ws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.chat.rooms.ChatRooms;
import com.moa.chat.rooms.MessageRules;
import com.moa.chat.rooms.RoomController.SendMessageRequest;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.ProblemTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Controller;
import org.springframework.util.MimeTypeUtils;

/**
 * {@code SEND /app/rooms/{roomId}/messages {text, clientMessageId}}: the same send as the
 * REST fallback. The stored message reaches both participants on
 * {@code /user/queue/messages}; a {@code receipt} header is answered with a RECEIPT once
 * it is stored. A send that fails does not close the connection: its problem (the REST
 * problem JSON, plus {@code receiptId} when the frame had a receipt header) goes to the
 * session's {@code /user/queue/errors}.
 */
@Controller
class StompMessageController {

	private static final Logger logger = LoggerFactory.getLogger(StompMessageController.class);

	private final ChatRooms rooms;

	private final JsonMapper json;

	private final MessageChannel clientOutboundChannel;

	StompMessageController(ChatRooms rooms, JsonMapper json,
			@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutboundChannel) {
		this.rooms = rooms;
		this.json = json;
		this.clientOutboundChannel = clientOutboundChannel;
	}

	@MessageMapping("/rooms/{roomId}/messages")
	void send(@DestinationVariable String roomId, @Payload SendMessageRequest request, StompHeaderAccessor accessor) {
		UUID room;
		try {
			room = UUID.fromString(roomId);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException(List.of(new FieldError("roomId", "must be a UUID")));
		}
		MessageRules.check(request.text(), request.clientMessageId());
		this.rooms.send(room, user(accessor).id(), request.text(), request.clientMessageId());
		if (accessor.getReceipt() != null) {
			this.clientOutboundChannel.send(StompFrames.receipt(accessor.getSessionId(), accessor.getReceipt()));
		}
	}

	/**
	 * A SEND without a body: Spring refuses the empty payload before {@link #send} runs.
	 * The client's mistake, answered like invalid text.
	 */
	@MessageExceptionHandler
	void emptyBody(MethodArgumentNotValidException ex, StompHeaderAccessor accessor) {
		failed(new InvalidInputException(List.of(new FieldError("body", "must be JSON {text, clientMessageId}"))),
				accessor);
	}

	@MessageExceptionHandler
	void failed(Exception ex, StompHeaderAccessor accessor) {
		Map<String, Object> problem = new LinkedHashMap<>();
		if (ex instanceof ApiProblemException api) {
			problem.put("type", api.getType().toString());
			problem.put("title", api.getTitle());
			problem.put("status", api.getStatus().value());
			problem.put("detail", api.getMessage());
			problem.putAll(api.getProperties());
		}
		else if (ex instanceof DataAccessResourceFailureException) {
			problem.putAll(
					Map.of("type", ProblemTypes.of("service-unavailable").toString(), "title", "Service unavailable",
							"status", 503, "detail", "The service cannot reach its data store; retry shortly"));
		}
		else if (ex instanceof org.springframework.messaging.converter.MessageConversionException) {
			problem.putAll(Map.of("type", ProblemTypes.MALFORMED_REQUEST.toString(), "title", "Malformed request",
					"status", 400, "detail", "The frame's body must be JSON {text, clientMessageId}"));
		}
		else {
			logger.error("Failed to handle a chat message", ex);
			problem.putAll(Map.of("type", ProblemTypes.INTERNAL.toString(), "title", "Internal error", "status", 500,
					"detail", "The message was not stored"));
		}
		String receipt = accessor.getReceipt();
		if (receipt != null) {
			problem.put("receiptId", receipt);
		}
		Subscriptions subscriptions = Subscriptions.of(accessor.getSessionAttributes());
		String subscription = (subscriptions != null) ? subscriptions.idOf(StompDestinations.ERRORS) : null;
		if (subscription != null) {
			StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.MESSAGE);
			error.setSessionId(accessor.getSessionId());
			error.setSubscriptionId(subscription);
			error.setDestination(StompDestinations.ERRORS);
			error.setContentType(MimeTypeUtils.APPLICATION_JSON);
			error.setMessageId(UUID.randomUUID().toString());
			this.clientOutboundChannel
				.send(MessageBuilder.createMessage(this.json.writeValueAsBytes(problem), error.getMessageHeaders()));
		}
	}

	private static AuthenticatedUser user(StompHeaderAccessor accessor) {
		return (AuthenticatedUser) accessor.getSessionAttributes().get(StompGuard.USER);
	}

}
