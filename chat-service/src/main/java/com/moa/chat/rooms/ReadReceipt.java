package com.moa.chat.rooms;

import java.util.UUID;

/**
 * Sent to the other participant when one reads up to a message (API.md).
 *
 * @param roomId the room
 * @param readerId who read
 * @param upToSeq the last message read
 */
public record ReadReceipt(UUID roomId, UUID readerId, long upToSeq) {
}
