package com.moa.platform.events;

/**
 * A message that is not a readable {@link EventEnvelope}: a poison message, never
 * retried.
 */
public class InvalidEventException extends RuntimeException {

	InvalidEventException(String message) {
		super(message);
	}

	InvalidEventException(String message, Throwable cause) {
		super(message, cause);
	}

}
