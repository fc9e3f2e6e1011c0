package com.moa.auth.token;

import java.time.Duration;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A refresh beyond the hour's budget of tokens for one user: retry later with the same
 * refresh token, which was not spent.
 */
class RefreshThrottledException extends ApiProblemException {

	private final long retryAfterSeconds;

	RefreshThrottledException(Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, "refresh-throttled", "Too many refreshes",
				"Too many token refreshes for this account; retry later with the same refresh token");
		this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds() + 1);
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
		return headers;
	}

}
