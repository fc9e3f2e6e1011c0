package com.moa.chat.ws;

import java.time.Clock;
import java.util.HashMap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * A CONNECT whose token cannot be checked because the keys are unavailable (auth-service
 * unreachable since the instance started) is told to reconnect later, not that its token
 * is invalid: an app would refresh the token or sign the user out for nothing. (The real
 * decoder's exceptions for both cases: platform/security's KeysNeverFetchedTests.)
 */
class StompGuardTokenTests {

	private final MessageChannel clientOutbound = mock(MessageChannel.class);

	@Test
	void aBadTokenIsInvalidKeysThatCannotBeFetchedAreRetryable() {
		assertThat(refusalOf((token) -> {
			throw new BadJwtException("Signed JWT rejected: Invalid signature");
		})).isEqualTo("the access token is invalid or expired");

		assertThat(refusalOf((token) -> {
			throw new JwtException(
					"An error occurred while attempting to decode the Jwt: Couldn't retrieve JWK set from URL");
		})).isEqualTo(StompGuard.KEYS_UNAVAILABLE);
	}

	private String refusalOf(JwtDecoder decoder) {
		StompGuard guard = new StompGuard(decoder, mock(SessionExpiry.class), Clock.systemUTC(), this.clientOutbound,
				new SimpleMeterRegistry());
		StompHeaderAccessor connect = StompHeaderAccessor.create(StompCommand.CONNECT);
		connect.setSessionId("s1");
		connect.setSessionAttributes(new HashMap<>());
		connect.setNativeHeader("Authorization", "Bearer a.b.c");
		Message<byte[]> frame = MessageBuilder.createMessage(new byte[0], connect.getMessageHeaders());

		assertThat(guard.preSend(frame, mock(MessageChannel.class))).isNull();

		@SuppressWarnings("unchecked")
		ArgumentCaptor<Message<?>> sent = ArgumentCaptor.forClass(Message.class);
		verify(this.clientOutbound, atLeastOnce()).send(sent.capture());
		StompHeaderAccessor error = StompHeaderAccessor.wrap(sent.getValue());
		assertThat(error.getCommand()).isEqualTo(StompCommand.ERROR);
		return error.getMessage();
	}

}
