package com.moa.platform.web;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Applies {@link TextRules} and a length limit to the text a handler reads outside the
 * body: every query parameter, every path variable, and the headers and cookies its
 * parameters bind. A violation is a 400 naming the parameter, before the handler (or the
 * database) sees the value. JSON bodies are checked by {@link TextInputModule}; their
 * lengths by each request type's own {@code @Size}.
 */
class TextInputInterceptor implements HandlerInterceptor {

	private final int maxLength;

	TextInputInterceptor(int maxLength) {
		this.maxLength = maxLength;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		List<FieldError> errors = new ArrayList<>();
		for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
			check(parameter.getKey(), parameter.getKey(), errors);
			for (String value : parameter.getValue()) {
				check(parameter.getKey(), value, errors);
			}
		}
		if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
			variables.forEach((name, value) -> check(String.valueOf(name), String.valueOf(value), errors));
		}
		if (handler instanceof HandlerMethod method) {
			for (MethodParameter parameter : method.getMethodParameters()) {
				checkBoundHeaderOrCookie(request, parameter, errors);
			}
		}
		if (!errors.isEmpty()) {
			throw new InvalidInputException(errors);
		}
		return true;
	}

	private void checkBoundHeaderOrCookie(HttpServletRequest request, MethodParameter parameter,
			List<FieldError> errors) {
		RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
		if (header != null) {
			String name = header.name().isEmpty() ? header.value() : header.name();
			if (!name.isEmpty()) {
				Enumeration<String> values = request.getHeaders(name);
				while (values != null && values.hasMoreElements()) {
					check(name, values.nextElement(), true, errors);
				}
			}
		}
		CookieValue cookie = parameter.getParameterAnnotation(CookieValue.class);
		if (cookie != null && request.getCookies() != null) {
			String name = cookie.name().isEmpty() ? cookie.value() : cookie.name();
			for (Cookie candidate : request.getCookies()) {
				if (candidate.getName().equals(name)) {
					check(name, candidate.getValue(), true, errors);
				}
			}
		}
	}

	private void check(String field, String value, List<FieldError> errors) {
		check(field, value, false, errors);
	}

	/**
	 * Headers and cookies arrive decoded as ISO-8859-1: the rule for them (TextRules).
	 */
	private void check(String field, String value, boolean headerOrCookie, List<FieldError> errors) {
		if (value == null) {
			return;
		}
		if (value.length() > this.maxLength) {
			errors.add(new FieldError(safe(field), "must be at most " + this.maxLength + " characters"));
			return;
		}
		String violation = headerOrCookie ? TextRules.headerViolation(value, false) : TextRules.violation(value, false);
		if (violation != null) {
			errors.add(new FieldError(safe(field), violation));
		}
	}

	/** A parameter name goes back to the client: never echo what broke the rule. */
	private String safe(String field) {
		return (field.length() <= 100 && TextRules.violation(field, false) == null) ? field : "(parameter name)";
	}

}
