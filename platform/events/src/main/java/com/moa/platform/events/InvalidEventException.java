package com.moa.platform.events;

/**
 * A message that is not a readable {@link EventEnvelope}: a poison message, never
 * retried.
 */
public class InvalidEventException extends RuntimeException {

	public InvalidEventException(String message) {
		super(message);
	}

	public InvalidEventException(String message, Throwable cause) {
		super(message, cause);
	}

}
