package com.moa.gateway.web;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.slf4j.MDC;

import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * The span of the request being handled (the server observation's, kept on the exchange
 * by WebFlux), and how the gateway's few log lines get its trace and span ids into the
 * MDC keys {@code logging.pattern.correlation} prints, as the services' do.
 */
public final class RequestIds {

	private static final String TRACE_ID = "traceId";

	private static final String SPAN_ID = "spanId";

	private RequestIds() {
	}

	/**
	 * The request's span, or null without tracing (the no-op tracer's has no trace id).
	 */
	static Span span(ServerWebExchange exchange) {
		return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map((context) -> context.<TracingObservationHandler.TracingContext>get(
					TracingObservationHandler.TracingContext.class))
			.map(TracingObservationHandler.TracingContext::getSpan)
			.filter((span) -> !span.context().traceId().isEmpty())
			.orElse(null);
	}

	/**
	 * The path the client asked for, without the query (it may carry a token): the server
	 * observation keeps the request as it arrived, while the exchange's may be the
	 * circuit breaker's forward to its fallback, or a rewrite.
	 */
	public static String clientPath(ServerWebExchange exchange) {
		return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map((context) -> context.getCarrier().getPath().value())
			.orElseGet(() -> exchange.getRequest().getPath().value());
	}

	/**
	 * Runs logging code with the exchange's trace and span ids in the MDC (the gateway
	 * does not restore tracing thread-locals around Reactor operators).
	 * @param exchange the exchange being handled
	 * @param action the code that logs
	 */
	public static void withMdc(ServerWebExchange exchange, Runnable action) {
		Span span = span(exchange);
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
