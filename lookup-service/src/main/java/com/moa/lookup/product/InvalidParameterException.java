package com.moa.lookup.product;

import java.util.List;
import java.util.Map;

import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.FieldError;

import org.springframework.http.HttpStatus;

/**
 * A query parameter with a value the catalog does not know (sort, category, cursor): 400.
 */
class InvalidParameterException extends ApiProblemException {

	private final String parameter;

	InvalidParameterException(String parameter, String detail) {
		super(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid request parameter", detail);
		this.parameter = parameter;
	}

	@Override
	public Map<String, Object> getProperties() {
		return Map.of("errors", List.of(new FieldError(this.parameter, getMessage())));
	}

}
