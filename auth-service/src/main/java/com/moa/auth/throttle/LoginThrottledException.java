package com.moa.auth.throttle;

import java.time.Duration;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Too many failed logins (or password-change attempts) for the account or the client IP;
 * answered 429 with {@code Retry-After}.
 */
class LoginThrottledException extends ApiProblemException {

	private final long retryAfterSeconds;

	LoginThrottledException(Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, "login-throttled", "Too many failed logins",
				"Too many failed logins; try again later");
		this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds() + ((retryAfter.toNanosPart() > 0) ? 1 : 0));
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
		return headers;
	}

}
