package com.moa.auth.login;

import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Sign-up, login and refresh take their credentials from the body, so a bearer token sent
 * along is not read there: an app refreshes because its access token expired, and may
 * still send it; rejecting that with 401 would log the user out (the gateway does the
 * same). Everywhere else the header is read as usual.
 */
@Configuration(proxyBeanMethods = false)
class CredentialEndpointsConfiguration {

	static final Set<String> CREDENTIAL_PATHS = Set.of("/api/auth/signup", "/api/auth/login", "/api/auth/refresh");

	@Bean
	BearerTokenResolver bearerTokenResolver() {
		DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
		return (request) -> ("POST".equals(request.getMethod()) && CREDENTIAL_PATHS.contains(request.getRequestURI()))
				? null : header.resolve(request);
	}

}
