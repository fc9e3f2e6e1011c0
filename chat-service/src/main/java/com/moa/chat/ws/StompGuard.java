package com.moa.chat.ws;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import com.moa.platform.security.AccessTokenClaims;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.UserAuthentication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * Every frame a client sends passes here before anything acts on it.
 * <ul>
 * <li>CONNECT: the access token is verified again — from the frame's
 * {@code Authorization} header if it has one (it must name the upgrade's user), else the
 * upgrade's own — and the connection is closed when it expires ({@link SessionExpiry});
 * the token is not passed on to the broker.</li>
 * <li>SUBSCRIBE: with an {@code id} (STOMP 1.2 requires one), only to the client-facing
 * destinations of API.md, mapped to the caller's own broker topics, each id once and
 * {@link Subscriptions#MAX} in all (each is a queue in RabbitMQ); broker options a client
 * could set (durable, exclusive, ack modes, queue arguments) are dropped. UNSUBSCRIBE
 * (with its {@code id}) frees the destination again.</li>
 * <li>SEND: only to {@code /app/rooms/{roomId}/messages} (nothing straight to the
 * broker), with an unexpired token.</li>
 * </ul>
 * A refused frame is dropped and answered with an ERROR frame, after which the connection
 * is closed, as STOMP requires. The frame rate and the SENDs waiting are limited before
 * this, as frames arrive ({@link FrameRateLimit}, {@link SendBacklogLimit}).
 */
@Component
class StompGuard implements ChannelInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(StompGuard.class);

	static final String USER = "moa.user";

	static final String EXPIRES = "moa.expires";

	/** Frames refused here, by {@link FrameRateLimit} or by {@link SendBacklogLimit}. */
	static final String REFUSALS = "moa_chat_frames_refused_total";

	private static final Set<String> SUBSCRIBE_HEADERS = Set.of("id", "destination", "receipt");

	private final JwtDecoder jwtDecoder;

	private final SessionExpiry expiry;

	private final Clock clock;

	/** The ERROR message of a CONNECT whose token could not be checked: retry later. */
	static final String KEYS_UNAVAILABLE = "access tokens cannot be checked right now; reconnect in a few seconds";

	private final MessageChannel clientOutboundChannel;

	private final Counter refusals;

	StompGuard(JwtDecoder jwtDecoder, SessionExpiry expiry, Clock clock,
			@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutboundChannel, MeterRegistry meters) {
		this.clientOutboundChannel = clientOutboundChannel;
		this.refusals = meters.counter(REFUSALS);
		this.jwtDecoder = jwtDecoder;
		this.expiry = expiry;
		this.clock = clock;
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
		if (accessor == null || accessor.getCommand() == null) {
			return message; // heart-beat
		}
		Map<String, Object> session = accessor.getSessionAttributes();
		try {
			if (session == null) {
				throw refused(message, "no session");
			}
			switch (accessor.getCommand()) {
				case CONNECT, STOMP -> connect(message, accessor, session);
				case SUBSCRIBE -> {
					boolean errors = StompDestinations.ERRORS.equals(accessor.getDestination());
					subscribe(message, accessor, session);
					if (errors) {
						return answeredHere(accessor);
					}
				}
				case UNSUBSCRIBE -> {
					String destination = unsubscribe(message, accessor, session);
					// Nothing to end in the broker (an unknown id, or errors).
					if (destination == null || StompDestinations.ERRORS.equals(destination)) {
						return answeredHere(accessor);
					}
				}
				case SEND -> send(message, accessor, session);
				case DISCONNECT -> connected(message, session);
				default -> throw refused(message, accessor.getCommand() + " is not supported");
			}
			return message;
		}
		catch (MessageDeliveryException ex) {
			// Answered here: Spring only logs an interceptor's exception (no ERROR
			// frame).
			this.refusals.increment();
			logger.debug("Refused {} in session {}: {}", accessor.getCommand(), accessor.getSessionId(),
					ex.getMessage());
			this.clientOutboundChannel
				.send(StompFrames.error(accessor.getSessionId(), ex.getMessage(), accessor.getReceipt()));
			return null;
		}
	}

	/**
	 * A frame with nothing for the broker to do (the errors destination is answered by
	 * this instance, {@link StompMessageController}).
	 */
	private Message<?> answeredHere(StompHeaderAccessor accessor) {
		if (accessor.getReceipt() != null) {
			this.clientOutboundChannel.send(StompFrames.receipt(accessor.getSessionId(), accessor.getReceipt()));
		}
		return null;
	}

	private void connect(Message<?> message, StompHeaderAccessor accessor, Map<String, Object> session) {
		if (session.containsKey(USER)) {
			throw refused(message, "already connected");
		}
		Principal upgrade = accessor.getUser();
		String header = accessor.getFirstNativeHeader("Authorization");
		if (header == null) {
			header = accessor.getFirstNativeHeader("authorization");
		}
		String token;
		if (header != null) {
			if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
				throw refused(message, "the Authorization header must be a bearer token");
			}
			token = header.substring(7).trim();
		}
		else if (upgrade instanceof UserAuthentication authentication) {
			token = authentication.getToken().getTokenValue();
		}
		else {
			throw refused(message, "an access token is required");
		}
		Jwt jwt;
		try {
			jwt = this.jwtDecoder.decode(token);
		}
		catch (BadJwtException ex) {
			throw refused(message, "the access token is invalid or expired");
		}
		catch (JwtException ex) {
			// Not the token: the keys to check it could not be fetched (auth-service
			// unreachable since this instance started). The app keeps its token and
			// reconnects later, instead of refreshing it or signing the user out.
			throw refused(message, KEYS_UNAVAILABLE);
		}
		AuthenticatedUser user = AccessTokenClaims.toUser(jwt);
		if (upgrade != null && !upgrade.getName().equals(user.id().toString())) {
			throw refused(message, "the token names another user than the connection's");
		}
		accessor.removeNativeHeader("Authorization");
		accessor.removeNativeHeader("authorization");
		accessor.setUser(new UserAuthentication(jwt, user));
		session.put(USER, user);
		session.put(EXPIRES, jwt.getExpiresAt());
		session.put(Subscriptions.ATTRIBUTE, new Subscriptions());
		this.expiry.schedule(accessor.getSessionId(), jwt.getExpiresAt());
	}

	private void subscribe(Message<?> message, StompHeaderAccessor accessor, Map<String, Object> session) {
		AuthenticatedUser user = connected(message, session);
		String id = accessor.getSubscriptionId();
		if (id == null) {
			throw refused(message, "SUBSCRIBE requires an id header");
		}
		String destination = accessor.getDestination();
		String broker = (destination != null) ? StompDestinations.brokerDestination(destination, user.id()) : null;
		if (broker == null) {
			throw refused(message, "cannot subscribe to " + destination + " (only " + StompDestinations.MESSAGES + ", "
					+ StompDestinations.RECEIPTS + ", " + StompDestinations.ERRORS + ")");
		}
		Subscriptions subscriptions = Subscriptions.of(session);
		if (subscriptions.hasId(id)) {
			throw refused(message, "subscription id " + id + " is already in use");
		}
		if (subscriptions.isFull()) {
			throw refused(message, "at most " + Subscriptions.MAX + " subscriptions per connection");
		}
		subscriptions.add(id, destination);
		Map<String, ?> headers = accessor.toNativeHeaderMap();
		for (String name : new ArrayList<>(headers.keySet())) {
			if (!SUBSCRIBE_HEADERS.contains(name)) {
				accessor.removeNativeHeader(name);
			}
		}
		accessor.setDestination(broker);
	}

	/** Frees the subscription's destination: which it was, or null for an unknown id. */
	private String unsubscribe(Message<?> message, StompHeaderAccessor accessor, Map<String, Object> session) {
		connected(message, session);
		String id = accessor.getSubscriptionId();
		if (id == null) {
			throw refused(message, "UNSUBSCRIBE requires an id header");
		}
		return Subscriptions.of(session).remove(id);
	}

	private void send(Message<?> message, StompHeaderAccessor accessor, Map<String, Object> session) {
		connected(message, session);
		if (!StompDestinations.isSend(accessor.getDestination())) {
			throw refused(message,
					"cannot send to " + accessor.getDestination() + " (only /app/rooms/{roomId}/messages)");
		}
		Instant expires = (Instant) session.get(EXPIRES);
		if (expires != null && !this.clock.instant().isBefore(expires)) {
			throw refused(message, "the access token expired; connect again with a new one");
		}
	}

	/** The connection's user (refused before CONNECT). */
	private AuthenticatedUser connected(Message<?> message, Map<String, Object> session) {
		AuthenticatedUser user = (AuthenticatedUser) session.get(USER);
		if (user == null) {
			throw refused(message, "not connected");
		}
		return user;
	}

	private static MessageDeliveryException refused(Message<?> message, String reason) {
		return new MessageDeliveryException(message, reason);
	}

}
