package com.moa.auth.throttle;

import java.time.Duration;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * Too many failed logins (or password-change attempts) for the account or the client IP;
 * answered 429 with {@code Retry-After}.
 */
class LoginThrottledException extends ApiProblemException {

	LoginThrottledException(Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, "login-throttled", "Too many failed logins",
				"Too many failed logins; try again later", retryAfter);
	}

}
