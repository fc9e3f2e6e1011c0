package com.moa.gateway.web;

import java.util.UUID;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Accepts a client's {@code X-Request-Id} when it is short and made of safe characters,
 * otherwise generates one; forwards it to the service and echoes it on the response.
 */
@Component
class RequestIdFilter implements WebFilter, Ordered {

	static final String HEADER = "X-Request-Id";

	/** Exchange attribute and Reactor context key holding the request id. */
	static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".requestId";

	private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

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
		mutated.getAttributes().put(ATTRIBUTE, requestId);
		// Set at commit time so a service's own echo never duplicates the header.
		mutated.getResponse().beforeCommit(() -> {
			mutated.getResponse().getHeaders().set(HEADER, requestId);
			return Mono.empty();
		});
		return chain.filter(mutated).contextWrite((context) -> context.put(ATTRIBUTE, requestId));
	}

}
