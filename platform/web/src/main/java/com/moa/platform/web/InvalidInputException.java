package com.moa.platform.web;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * Input that breaks a rule before any handler sees it (control characters, over-long
 * values): the same 400 validation problem as failed bean validation, with the fields
 * named in {@code errors}.
 */
public class InvalidInputException extends ApiProblemException {

	private final List<FieldError> errors;

	public InvalidInputException(List<FieldError> errors) {
		super(HttpStatus.BAD_REQUEST, "validation", "Validation failed", "The request has invalid fields");
		this.errors = List.copyOf(errors);
	}

	public List<FieldError> getErrors() {
		return this.errors;
	}

	@Override
	public Map<String, Object> getProperties() {
		return Map.of("errors", this.errors);
	}

}
