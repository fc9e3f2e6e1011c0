package com.moa.platform.web;

import java.io.IOException;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers with {@code X-Request-Id} = the request's trace id, the id every log line of
 * the request carries (Micrometer Tracing puts it in the MDC) and every service and event
 * consumer on its path shares. The trace itself comes in as W3C {@code traceparent} and
 * goes on in outgoing calls and events; a client's own {@code X-Request-Id} is not used.
 * Runs inside the server observation, which opens the request's span.
 */
public class RequestIdFilter extends OncePerRequestFilter {

	public static final String HEADER = "X-Request-Id";

	private final Tracer tracer;

	public RequestIdFilter(Tracer tracer) {
		this.tracer = tracer;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// Sampled or not (the sampling only decides what is exported), the span has the
		// trace's id; only the no-op tracer's is empty.
		Span span = this.tracer.currentSpan();
		String traceId = (span != null) ? span.context().traceId() : "";
		if (!traceId.isEmpty()) {
			response.setHeader(HEADER, traceId);
		}
		chain.doFilter(request, response);
	}

}
