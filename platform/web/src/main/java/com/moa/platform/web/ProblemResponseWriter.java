package com.moa.platform.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Writes a problem response from places outside Spring MVC (servlet filters, security
 * entry points) so they answer in the same shape as controllers.
 */
public class ProblemResponseWriter {

	private final JsonMapper jsonMapper;

	public ProblemResponseWriter(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/** The problem with its headers ({@code Retry-After}) and extension members. */
	public void write(HttpServletRequest request, HttpServletResponse response, ApiProblemException problem)
			throws IOException {
		problem.getHeaders().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		ProblemDetail detail = ProblemDetail.forStatusAndDetail(problem.getStatus(), problem.getMessage());
		detail.setType(problem.getType());
		detail.setTitle(problem.getTitle());
		problem.getProperties().forEach(detail::setProperty);
		write(request, response, detail);
	}

	public void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
			throws IOException {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(ProblemTypes.forStatus(status.value()));
		write(request, response, problem);
	}

	public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
			throws IOException {
		if (problem.getInstance() == null) {
			problem.setInstance(java.net.URI.create(request.getRequestURI()));
		}
		// Flattened by hand: the ProblemDetail Jackson mix-in lives in MVC's converter,
		// not this mapper.
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		body.put("instance", problem.getInstance().toString());
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		this.jsonMapper.writeValue(response.getOutputStream(), body);
	}

}
