package com.moa.gateway.web;

import java.util.List;
import java.util.Locale;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Removes every client-sent {@code X-User-*} header (any case) before security and
 * routing see the request: identity reaches services only as the verified token.
 */
@Component
class IdentityHeaderStripper implements WebFilter, Ordered {

	private static final String PREFIX = "x-user-";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		List<String> identityHeaders = exchange.getRequest()
			.getHeaders()
			.headerNames()
			.stream()
			.filter((name) -> name.toLowerCase(Locale.ROOT).startsWith(PREFIX))
			.toList();
		if (identityHeaders.isEmpty()) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest()
			.mutate()
			.headers((headers) -> identityHeaders.forEach(headers::remove))
			.build();
		return chain.filter(exchange.mutate().request(request).build());
	}

}
