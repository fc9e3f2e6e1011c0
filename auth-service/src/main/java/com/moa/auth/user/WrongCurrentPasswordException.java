package com.moa.auth.user;

import java.util.List;
import java.util.Map;

import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.FieldError;

import org.springframework.http.HttpStatus;

/**
 * A password change whose {@code currentPassword} is missing or wrong: a 400 validation
 * problem naming that field.
 */
class WrongCurrentPasswordException extends ApiProblemException {

	WrongCurrentPasswordException() {
		super(HttpStatus.BAD_REQUEST, "validation", "Validation failed", "The request has invalid fields");
	}

	@Override
	public Map<String, Object> getProperties() {
		return Map.of("errors", List.of(new FieldError("currentPassword", "does not match the current password")));
	}

}
