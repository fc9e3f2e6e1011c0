package com.moa.platform.web;

import java.net.URI;

/**
 * Stable problem type URIs; clients switch on these, so a slug never changes meaning.
 */
public final class ProblemTypes {

	public static final String BASE = "https://moa-subscribe.com/problems/";

	public static final URI VALIDATION = of("validation");

	public static final URI MALFORMED_REQUEST = of("malformed-request");

	public static final URI PAYLOAD_TOO_LARGE = of("payload-too-large");

	public static final URI UNAUTHORIZED = of("unauthorized");

	public static final URI FORBIDDEN = of("forbidden");

	public static final URI NOT_FOUND = of("not-found");

	public static final URI INTERNAL = of("internal-error");

	private ProblemTypes() {
	}

	public static URI of(String slug) {
		return URI.create(BASE + slug);
	}

	/** The type for a plain HTTP status that has no more specific meaning. */
	public static URI forStatus(int status) {
		return switch (status) {
			case 400 -> MALFORMED_REQUEST;
			case 401 -> UNAUTHORIZED;
			case 403 -> FORBIDDEN;
			case 404 -> NOT_FOUND;
			case 413 -> PAYLOAD_TOO_LARGE;
			case 405 -> of("method-not-allowed");
			case 406 -> of("not-acceptable");
			case 415 -> of("unsupported-media-type");
			default -> (status >= 500) ? INTERNAL : of("http-" + status);
		};
	}

}
