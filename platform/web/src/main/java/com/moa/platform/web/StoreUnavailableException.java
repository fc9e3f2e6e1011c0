package com.moa.platform.web;

import java.time.Duration;

import org.springframework.http.HttpStatus;

/**
 * The service's own data store cannot be reached right now: 503 with {@code Retry-After},
 * so clients retry instead of reporting a server fault.
 */
public class StoreUnavailableException extends ApiProblemException {

	public StoreUnavailableException() {
		super(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
				"The service cannot reach its data store; retry shortly", Duration.ofSeconds(2));
	}

}
