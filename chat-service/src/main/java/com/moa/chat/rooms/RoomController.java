package com.moa.chat.rooms;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.moa.chat.rooms.ChatRooms.RoomView;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.UserRole;
import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.MultiLineText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Rooms and messages over REST (API.md "Chat"); only a room's two participants see it,
 * anyone else gets 404.
 */
@RestController
@RequestMapping("/api/chat/rooms")
@Validated
public class RoomController {

	private final ChatRooms rooms;

	RoomController(ChatRooms rooms) {
		this.rooms = rooms;
	}

	/**
	 * 201 for a new room, 200 for the one the caller already has; only a consumer opens
	 * one (403 otherwise: it would be stored as the room's consumer).
	 */
	@PostMapping
	ResponseEntity<RoomView> open(@AuthenticationPrincipal AuthenticatedUser user,
			@Valid @RequestBody OpenRoomRequest request) {
		if (user.role() != UserRole.CONSUMER) {
			throw new ApiProblemException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
					"Only consumers open chat rooms");
		}
		ChatRooms.Opened opened = this.rooms.open(user.id(), request.sellerId(), request.productId());
		return ResponseEntity.status(opened.created() ? HttpStatus.CREATED : HttpStatus.OK).body(opened.room());
	}

	private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

	/**
	 * The caller's rooms, most recent activity first; the next page starts after the last
	 * room of this one: {@code before} = its {@code updatedAt}, {@code beforeId} = its
	 * {@code id} (a seller with hundreds of rooms pages through them all). While more
	 * rooms follow, a {@code Link} header with {@code rel="next"} names the next page, so
	 * a client reading only the array (API.md) can tell the list goes on.
	 */
	@GetMapping
	ResponseEntity<List<RoomView>> list(@AuthenticationPrincipal AuthenticatedUser user,
			@RequestParam(required = false) Instant before, @RequestParam(required = false) UUID beforeId,
			@RequestParam(defaultValue = "50") @Min(1) @Max(100) int limit) {
		if ((before == null) != (beforeId == null)) {
			throw new InvalidInputException(List.of(new FieldError((before == null) ? "before" : "beforeId",
					"before and beforeId go together: the updatedAt and id of the last room seen")));
		}
		if (before != null && (before.isBefore(EARLIEST) || before.isAfter(LATEST))) {
			// An instant MongoDB's dates cannot hold (ISO-8601 allows year
			// ±1,000,000,000).
			throw new InvalidInputException(List.of(new FieldError("before", "must be an updatedAt from a room")));
		}
		List<RoomView> rooms = this.rooms.rooms(user.id(),
				(before != null) ? new ChatRooms.RoomCursor(before, beforeId) : null, limit + 1);
		if (rooms.size() <= limit) {
			return ResponseEntity.ok(rooms);
		}
		RoomView last = rooms.get(limit - 1);
		String next = UriComponentsBuilder.fromPath("/api/chat/rooms")
			.queryParam("before", last.updatedAt())
			.queryParam("beforeId", last.id())
			.queryParam("limit", limit)
			.encode()
			.build()
			.toUriString();
		return ResponseEntity.ok()
			.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"")
			.body(rooms.subList(0, limit));
	}

	@GetMapping("/{roomId}/messages")
	List<Message> messages(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID roomId,
			@RequestParam(required = false) @Min(1) Long before,
			@RequestParam(defaultValue = "50") @Min(1) @Max(100) int limit) {
		return this.rooms.messages(roomId, user.id(), before, limit);
	}

	/**
	 * 201 with the stored message. A repeated clientMessageId (a retry after a lost
	 * answer) gets the same 201 and message, marked {@code Idempotent-Replayed: true} as
	 * payment-service marks its replays: the client that retries sees what the first
	 * answer said.
	 */
	@PostMapping("/{roomId}/messages")
	ResponseEntity<Message> send(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID roomId,
			@RequestBody SendMessageRequest request) {
		MessageRules.check(request.text(), request.clientMessageId());
		ChatRooms.Sent sent = this.rooms.send(roomId, user.id(), request.text(), request.clientMessageId());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.CREATED);
		if (!sent.created()) {
			response.header("Idempotent-Replayed", "true");
		}
		return response.body(sent.message());
	}

	@PostMapping("/{roomId}/read")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void read(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID roomId,
			@Valid @RequestBody ReadRequest request) {
		this.rooms.read(roomId, user.id(), request.upToSeq());
	}

	/**
	 * @param sellerId the seller to talk to
	 * @param productId the product the room is about, if any
	 */
	record OpenRoomRequest(@NotNull UUID sellerId, UUID productId) {
	}

	/**
	 * @param text 1..2,000 characters
	 * @param clientMessageId the client's id of this message (a resend returns the stored
	 * one)
	 */
	public record SendMessageRequest(@MultiLineText String text, String clientMessageId) {
	}

	/**
	 * @param upToSeq the last message read
	 */
	record ReadRequest(@NotNull @Min(1) Long upToSeq) {
	}

}
