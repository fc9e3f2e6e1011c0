package com.moa.gateway.web;

import java.util.UUID;
import java.util.regex.Pattern;

import io.micrometer.context.ContextRegistry;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Accepts a client's {@code X-Request-Id} when it is short and made of safe characters,
 * otherwise generates one; forwards it to the service, echoes it on the response and puts
 * it in the Reactor context and the exchange; the gateway's own log lines put it into the
 * MDC ({@link RequestIds#withMdc}) rather than Reactor restoring it around every
 * operator.
 */
@Component
class RequestIdFilter implements WebFilter, Ordered {

	static final String HEADER = "X-Request-Id";

	private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	RequestIdFilter() {
		// Replaces any accessor for the same key, so a second context is harmless.
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(RequestIds.MDC_KEY, () -> MDC.get(RequestIds.MDC_KEY),
					(requestId) -> MDC.put(RequestIds.MDC_KEY, requestId), () -> MDC.remove(RequestIds.MDC_KEY));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String candidate = exchange.getRequest().getHeaders().getFirst(HEADER);
		String requestId = (candidate != null && SAFE.matcher(candidate).matches()) ? candidate
				: UUID.randomUUID().toString();
		ServerHttpRequest request = exchange.getRequest().mutate().headers((h) -> h.set(HEADER, requestId)).build();
		ServerWebExchange mutated = exchange.mutate().request(request).build();
		mutated.getAttributes().put(RequestIds.ATTRIBUTE, requestId);
		// Set at commit time so a service's own echo never duplicates the header.
		mutated.getResponse().beforeCommit(() -> {
			mutated.getResponse().getHeaders().set(HEADER, requestId);
			return Mono.empty();
		});
		return chain.filter(mutated).contextWrite((context) -> context.put(RequestIds.MDC_KEY, requestId));
	}

}
