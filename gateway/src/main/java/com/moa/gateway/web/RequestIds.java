package com.moa.gateway.web;

import io.micrometer.tracing.Span;
import org.slf4j.MDC;

import org.springframework.web.server.ServerWebExchange;

/**
 * Where the gateway keeps the span of the request being handled (an exchange attribute
 * written by {@link RequestIdFilter}), and how its few log lines get the trace and span
 * ids into the MDC keys {@code logging.pattern.correlation} prints, as the services' do.
 */
public final class RequestIds {

	private static final String TRACE_ID = "traceId";

	private static final String SPAN_ID = "spanId";

	/** Exchange attribute holding the request's span. */
	static final String ATTRIBUTE = RequestIds.class.getName() + ".span";

	private RequestIds() {
	}

	/**
	 * Runs logging code with the exchange's trace and span ids in the MDC (the gateway
	 * does not restore tracing thread-locals around Reactor operators).
	 * @param exchange the exchange being handled
	 * @param action the code that logs
	 */
	public static void withMdc(ServerWebExchange exchange, Runnable action) {
		Span span = exchange.getAttribute(ATTRIBUTE);
		String previousTrace = MDC.get(TRACE_ID);
		String previousSpan = MDC.get(SPAN_ID);
		MDC.put(TRACE_ID, (span != null) ? span.context().traceId() : "");
		MDC.put(SPAN_ID, (span != null) ? span.context().spanId() : "");
		try {
			action.run();
		}
		finally {
			restore(TRACE_ID, previousTrace);
			restore(SPAN_ID, previousSpan);
		}
	}

	private static void restore(String key, String previous) {
		if (previous != null) {
			MDC.put(key, previous);
		}
		else {
			MDC.remove(key);
		}
	}

}
