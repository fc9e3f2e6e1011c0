package com.moa.seller.product;

import java.util.List;
import java.util.Map;

import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.FieldError;

import org.springframework.http.HttpStatus;

/**
 * {@code ?status=DELETED}: deleted products are never listed (400).
 */
class InvalidStatusFilterException extends ApiProblemException {

	InvalidStatusFilterException() {
		super(HttpStatus.BAD_REQUEST, "validation", "Validation failed", "The request has invalid fields");
	}

	@Override
	public Map<String, Object> getProperties() {
		return Map.of("errors", List.of(new FieldError("status", "must be one of [DRAFT, PUBLISHED, UNPUBLISHED]")));
	}

}
