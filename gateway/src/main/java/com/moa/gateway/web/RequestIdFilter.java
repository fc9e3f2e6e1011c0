package com.moa.gateway.web;

import io.micrometer.tracing.Span;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers every request with {@code X-Request-Id} = its trace id: the trace the server
 * observation started (or continued from the client's W3C {@code traceparent}), which
 * Spring Cloud Gateway passes on to the service as {@code traceparent} and the services
 * pass on in their events. (A client's own {@code X-Request-Id} is dropped by
 * {@link UntrustedHeaderStripper}.)
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
		Span span = RequestIds.span(exchange);
		if (span != null) {
			String traceId = span.context().traceId();
			// Set at commit time so a service's own X-Request-Id never duplicates it.
			exchange.getResponse().beforeCommit(() -> {
				exchange.getResponse().getHeaders().set(HEADER, traceId);
				return Mono.empty();
			});
		}
		return chain.filter(exchange);
	}

}
