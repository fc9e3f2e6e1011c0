package com.moa.platform.events;

import java.util.List;

/**
 * A dead-letter queue that is not one of this service's.
 */
public class UnknownDeadLetterQueueException extends IllegalArgumentException {

	UnknownDeadLetterQueueException(String queue, List<String> own) {
		super("not a dead-letter queue of this service: " + queue + " (its own: " + own + ")");
	}

}
