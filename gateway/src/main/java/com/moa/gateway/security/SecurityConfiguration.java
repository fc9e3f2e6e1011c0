package com.moa.gateway.security;

import java.time.Clock;

import com.moa.gateway.GatewayProperties;
import com.moa.platform.security.AccessTokenClaims;
import com.moa.platform.security.AccessTokenValidators;
import com.moa.platform.security.UserAuthentication;
import com.moa.platform.security.UserRole;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorityReactiveAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Stateless token verification: RS256 tokens from auth-service's JWKS (an unknown
 * {@code kid} makes {@link JwkSetCache} fetch the set again, at most once per
 * {@code moa.gateway.security.jwk-set-refresh-interval}), the shared claim validators,
 * public routes from API.md open, {@code /api/seller/**} for sellers only, every other
 * {@code /api/**} and {@code /ws/**} request authenticated.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	/**
	 * Public reads (API.md), open to GET and to HEAD alike as the services answer both.
	 */
	private static final String[] PUBLIC_READS = { "/api/auth/.well-known/**", "/api/products", "/api/products/**",
			"/api/categories", "/api/search/popular", "/api/search/suggestions" };

	@Bean
	ReactiveJwtDecoder jwtDecoder(GatewayProperties properties, ObjectProvider<Clock> clock) {
		GatewayProperties.Security security = properties.security();
		JwkSetCache keys = new JwkSetCache(WebClient.create(), security.jwkSetUri(), security.jwkSetRefreshInterval(),
				security.jwkSetMaxAge(), clock.getIfAvailable(Clock::systemUTC));
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys)
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.build();
		decoder.setJwtValidator(
				AccessTokenValidators.create(security.issuer(), security.audience(), security.clockSkew()));
		return decoder;
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, Environment environment,
			ReactiveJwtDecoder jwtDecoder, ProblemSecurityHandlers handlers) {
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			// CORS is applied earlier by web.CorsFilter.
			.cors(ServerHttpSecurity.CorsSpec::disable)
			.headers(Customizer.withDefaults())
			.exceptionHandling((ex) -> ex.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
			.oauth2ResourceServer(
					(oauth) -> oauth.bearerTokenConverter(new BearerTokenConverter())
						.authenticationEntryPoint(handlers)
						.accessDeniedHandler(handlers)
						.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder)
							.jwtAuthenticationConverter((token) -> Mono
								.just(new UserAuthentication(token, AccessTokenClaims.toUser(token))))))
			.authorizeExchange((exchanges) -> exchanges
				.pathMatchers(HttpMethod.POST, "/api/auth/signup", "/api/auth/login", "/api/auth/refresh")
				.permitAll()
				.pathMatchers(HttpMethod.GET, PUBLIC_READS)
				.permitAll()
				.pathMatchers(HttpMethod.HEAD, PUBLIC_READS)
				.permitAll()
				.pathMatchers("/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs", "/v3/api-docs/**", "/webjars/**")
				.permitAll()
				.pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/info", "/livez", "/readyz")
				.permitAll()
				// On a management port of its own (prod) the actuator is off the
				// public port and only the internal network reaches it: Prometheus
				// scrapes without a token. On the public port (local development)
				// it stays ADMIN-only like the rest of /actuator.
				.pathMatchers("/actuator/prometheus")
				.access(separateManagementPort(environment)
						? (authentication, context) -> Mono.just(new AuthorizationDecision(true))
						: AuthorityReactiveAuthorizationManager.hasRole(UserRole.ADMIN.name()))
				.pathMatchers("/actuator/**")
				.hasRole(UserRole.ADMIN.name())
				.pathMatchers("/api/seller/**")
				.hasRole(UserRole.SELLER.name())
				.pathMatchers("/api/**", "/ws/**")
				.authenticated()
				// Everything else is unrouted (404 problem) or the local fallback.
				.anyExchange()
				.permitAll());
		return http.build();
	}

	private static boolean separateManagementPort(Environment environment) {
		return ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
	}

}
