package com.moa.chat.rooms;

import java.util.UUID;

/**
 * Pushes what happened in a room to the participants' open connections, whichever
 * instance holds them. Best effort: a participant who is offline, or a broker that is
 * away, only delays the news — clients catch up from the stored messages.
 */
public interface ChatDeliveries {

	void message(UUID recipient, Message message);

	void receipt(UUID recipient, ReadReceipt receipt);

}
