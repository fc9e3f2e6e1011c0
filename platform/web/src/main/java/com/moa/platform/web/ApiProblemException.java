package com.moa.platform.web;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Base for exceptions that describe a client-visible problem; the advice turns each into
 * an RFC 9457 response with a stable {@code type}.
 */
public class ApiProblemException extends RuntimeException {

	private final HttpStatus status;

	private final String type;

	private final String title;

	private final Duration retryAfter;

	/**
	 * @param status the HTTP status to answer with
	 * @param type a short stable slug such as {@code email-taken}; becomes the problem's
	 * type URI
	 * @param title a short human summary that does not change between occurrences
	 * @param detail what happened this time
	 */
	public ApiProblemException(HttpStatus status, String type, String title, String detail) {
		this(status, type, title, detail, null);
	}

	/**
	 * A problem the client may retry: answered with {@code Retry-After}, the wait in
	 * whole seconds rounded up (at least 1).
	 * @param status the HTTP status to answer with
	 * @param type a short stable slug; becomes the problem's type URI
	 * @param title a short human summary that does not change between occurrences
	 * @param detail what happened this time
	 * @param retryAfter how long to wait before retrying, or {@code null}
	 */
	public ApiProblemException(HttpStatus status, String type, String title, String detail, Duration retryAfter) {
		super(detail);
		this.status = status;
		this.type = type;
		this.title = title;
		this.retryAfter = retryAfter;
	}

	public HttpStatus getStatus() {
		return this.status;
	}

	public URI getType() {
		return ProblemTypes.of(this.type);
	}

	public String getTitle() {
		return this.title;
	}

	/**
	 * Headers to send with the problem: {@code Retry-After} when the problem has a wait.
	 * @return the extra response headers
	 */
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		if (this.retryAfter != null) {
			long seconds = this.retryAfter.toSeconds() + ((this.retryAfter.toNanosPart() > 0) ? 1 : 0);
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, seconds)));
		}
		return headers;
	}

	/**
	 * Extension members to add to the problem body, such as {@code errors}; none by
	 * default.
	 * @return the extra problem properties
	 */
	public Map<String, Object> getProperties() {
		return Map.of();
	}

}
