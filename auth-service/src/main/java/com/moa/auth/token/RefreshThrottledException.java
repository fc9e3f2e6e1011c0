package com.moa.auth.token;

import java.time.Duration;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * A refresh beyond the hour's budget of tokens for one user: retry later with the same
 * refresh token, which was not spent.
 */
class RefreshThrottledException extends ApiProblemException {

	RefreshThrottledException(Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, "refresh-throttled", "Too many refreshes",
				"Too many token refreshes for this account; retry later with the same refresh token", retryAfter);
	}

}
