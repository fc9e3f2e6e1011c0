package com.moa.platform.web;

import org.springframework.http.HttpStatus;

/**
 * A request body larger than {@code moa.web.max-request-size}.
 */
public class PayloadTooLargeException extends ApiProblemException {

	public PayloadTooLargeException(long limitBytes) {
		super(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
				"The request body is larger than " + limitBytes + " bytes");
	}

}
