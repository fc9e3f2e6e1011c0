package com.moa.seller.product;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * {@code If-Match} named a version that is no longer current (412).
 */
class VersionMismatchException extends ApiProblemException {

	VersionMismatchException(String ifMatch, long current) {
		super(HttpStatus.PRECONDITION_FAILED, "precondition-failed", "Precondition failed",
				"If-Match " + ifMatch + " does not match the current version \"" + current + "\"");
	}

}
