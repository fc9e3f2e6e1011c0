package com.moa.gateway.security;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A chat upgrade's token sent as the {@code access_token} query parameter (browsers
 * cannot set headers on a WebSocket) goes on to chat-service as an {@code Authorization}
 * header and leaves the URI: in the URI it reached chat-service's log lines that print a
 * session (its URI), where a token valid for every API call for 15 minutes does not
 * belong. Runs after the security chain, which verified it.
 */
@Component
class WebSocketTokenHeader implements WebFilter, Ordered {

	private static final String PARAMETER = "access_token";

	/** After Spring Security's WebFilterChainProxy (-100). */
	@Override
	public int getOrder() {
		return -90;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String token = request.getQueryParams().getFirst(PARAMETER);
		if (token == null
				|| !BearerTokenConverter.WEBSOCKET_PATH.equals(request.getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		URI withoutToken = UriComponentsBuilder.fromUri(request.getURI())
			.replaceQueryParam(PARAMETER)
			.build(true)
			.toUri();
		return chain.filter(exchange.mutate().request((builder) -> builder.uri(withoutToken).headers((headers) -> {
			// Both at once was refused by the security chain already.
			if (!headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
				headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
			}
		})).build());
	}

}
