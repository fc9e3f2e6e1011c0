package com.moa.gateway.security;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the bearer token from the {@code Authorization} header; on the WebSocket upgrade
 * {@code /ws/chat} (where browsers cannot set headers) also from the {@code access_token}
 * query parameter, and nowhere else. Ignored on the credential endpoints (sign-up, login,
 * refresh), which take their credentials from the body: an app refreshes because its
 * access token expired, and may still send it along; rejecting that with 401 would log
 * the user out.
 */
class BearerTokenConverter implements ServerAuthenticationConverter {

	static final String WEBSOCKET_PATH = "/ws/chat";

	static final Set<String> CREDENTIAL_PATHS = Set.of("/api/auth/signup", "/api/auth/login", "/api/auth/refresh");

	private final ServerBearerTokenAuthenticationConverter headerOnly = new ServerBearerTokenAuthenticationConverter();

	private final ServerBearerTokenAuthenticationConverter headerOrQuery = new ServerBearerTokenAuthenticationConverter();

	BearerTokenConverter() {
		this.headerOrQuery.setAllowUriQueryParameter(true);
	}

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (HttpMethod.POST.equals(exchange.getRequest().getMethod()) && CREDENTIAL_PATHS.contains(path)) {
			return Mono.empty();
		}
		boolean websocket = WEBSOCKET_PATH.equals(path);
		return (websocket ? this.headerOrQuery : this.headerOnly).convert(exchange);
	}

}
