package com.moa.gateway.security;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the bearer token from the {@code Authorization} header; on the WebSocket upgrade
 * {@code /ws/chat} (where browsers cannot set headers) also from the {@code access_token}
 * query parameter, and nowhere else.
 */
class BearerTokenConverter implements ServerAuthenticationConverter {

	static final String WEBSOCKET_PATH = "/ws/chat";

	private final ServerBearerTokenAuthenticationConverter headerOnly = new ServerBearerTokenAuthenticationConverter();

	private final ServerBearerTokenAuthenticationConverter headerOrQuery = new ServerBearerTokenAuthenticationConverter();

	BearerTokenConverter() {
		this.headerOrQuery.setAllowUriQueryParameter(true);
	}

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		boolean websocket = WEBSOCKET_PATH.equals(exchange.getRequest().getPath().pathWithinApplication().value());
		return (websocket ? this.headerOrQuery : this.headerOnly).convert(exchange);
	}

}
