package com.moa.platform.web;

import java.net.URI;
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

	/**
	 * @param status the HTTP status to answer with
	 * @param type a short stable slug such as {@code email-taken}; becomes the problem's
	 * type URI
	 * @param title a short human summary that does not change between occurrences
	 * @param detail what happened this time
	 */
	public ApiProblemException(HttpStatus status, String type, String title, String detail) {
		super(detail);
		this.status = status;
		this.type = type;
		this.title = title;
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
	 * Headers to send with the problem, such as {@code Retry-After}; none by default.
	 * @return the extra response headers
	 */
	public HttpHeaders getHeaders() {
		return new HttpHeaders();
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
