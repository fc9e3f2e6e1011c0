package com.moa.gateway.web;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Removes headers a client must not be able to set: every {@code X-User-*} header
 * (identity reaches services only as the verified token), {@code X-Request-Id} (the
 * request's id is its trace id, {@link RequestIdFilter}) and the forwarding headers. The
 * gateway is the edge, so it writes {@code X-Forwarded-For} and {@code Forwarded} afresh
 * from the client address (the connection's peer, or behind the front proxy the address
 * that proxy appended, {@link FrontProxyHeaders}); a client-sent chain would otherwise be
 * kept as the leftmost value, which services read as the client IP (login throttling per
 * IP could then be dodged). {@code X-Operator-Key} too: it opens the services'
 * {@code /internal/**}, which the gateway never routes, and a client has no business
 * sending it further in.
 */
@Component
class UntrustedHeaderStripper implements WebFilter, Ordered {

	private static final String PREFIX = "x-user-";

	private static final Set<String> UNTRUSTED = Set.of("x-request-id", "forwarded", "x-forwarded-for",
			"x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-prefix", "x-real-ip",
			"x-operator-key");

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		List<String> untrusted = exchange.getRequest()
			.getHeaders()
			.headerNames()
			.stream()
			.filter(UntrustedHeaderStripper::isUntrusted)
			.toList();
		if (untrusted.isEmpty()) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest()
			.mutate()
			.headers((headers) -> untrusted.forEach(headers::remove))
			.build();
		return chain.filter(exchange.mutate().request(request).build());
	}

	private static boolean isUntrusted(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return lower.startsWith(PREFIX) || UNTRUSTED.contains(lower);
	}

}
