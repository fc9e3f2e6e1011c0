package com.moa.platform.web;

import org.springframework.http.HttpStatus;

/**
 * A resource that does not exist, or that the caller may not know exists (ownership
 * checks answer 404 rather than 403 so ids cannot be probed).
 */
public class NotFoundException extends ApiProblemException {

	public NotFoundException(String resource, Object id) {
		super(HttpStatus.NOT_FOUND, "not-found", "Resource not found", resource + " " + id + " was not found");
	}

}
