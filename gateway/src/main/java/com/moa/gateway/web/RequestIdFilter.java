package com.moa.gateway.web;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers every request with {@code X-Request-Id} = its trace id: the trace the server
 * observation started (or continued from the client's W3C {@code traceparent}), which
 * Spring Cloud Gateway passes on to the service as {@code traceparent} and the services
 * pass on in their events. A client's own {@code X-Request-Id} is dropped. The span is
 * kept on the exchange for the gateway's own log lines ({@link RequestIds#withMdc}),
 * rather than Reactor restoring the tracing thread-locals around every operator.
 */
@Component
class RequestIdFilter implements WebFilter, Ordered {

	static final String HEADER = "X-Request-Id";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map((context) -> context.<TracingObservationHandler.TracingContext>get(
					TracingObservationHandler.TracingContext.class))
			.map(TracingObservationHandler.TracingContext::getSpan)
			.orElse(null);
		ServerWebExchange forwarded = exchange;
		if (exchange.getRequest().getHeaders().containsHeader(HEADER)) {
			ServerHttpRequest request = exchange.getRequest().mutate().headers((h) -> h.remove(HEADER)).build();
			forwarded = exchange.mutate().request(request).build();
		}
		if (span != null && !span.context().traceId().isEmpty()) {
			forwarded.getAttributes().put(RequestIds.ATTRIBUTE, span);
			String traceId = span.context().traceId();
			ServerWebExchange answered = forwarded;
			// Set at commit time so a service's own X-Request-Id never duplicates it.
			answered.getResponse().beforeCommit(() -> {
				answered.getResponse().getHeaders().set(HEADER, traceId);
				return Mono.empty();
			});
		}
		return chain.filter(forwarded);
	}

}
