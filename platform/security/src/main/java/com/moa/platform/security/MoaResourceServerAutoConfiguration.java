package com.moa.platform.security;

import java.time.Clock;
import java.util.Locale;

import com.moa.platform.web.MoaWebAutoConfiguration;
import com.moa.platform.web.ProblemResponseWriter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Stateless resource-server defaults for every servlet service: tokens verified against
 * auth-service's JWKS (RS256 only), configured public paths open, everything else
 * authenticated, problem JSON for 401/403.
 */
@AutoConfiguration(after = MoaWebAutoConfiguration.class,
		beforeName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(MoaSecurityProperties.class)
@EnableWebSecurity
public class MoaResourceServerAutoConfiguration {

	@Bean
	RequestRejectedAdvice requestRejectedAdvice() {
		return new RequestRejectedAdvice();
	}

	@Bean
	@ConditionalOnMissingBean
	JwtDecoder jwtDecoder(MoaSecurityProperties properties, ObjectProvider<Clock> clock) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder
			.withJwkSource(new AuthServiceKeys(properties.jwkSetUri(), properties.jwkSetMaxAge(),
					properties.jwkSetRefreshInterval(), clock.getIfAvailable(Clock::systemUTC)))
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.build();
		decoder.setJwtValidator(
				AccessTokenValidators.create(properties.issuer(), properties.audience(), properties.clockSkew()));
		return decoder;
	}

	@Bean
	@ConditionalOnMissingBean
	ProblemSecurityHandlers problemSecurityHandlers(ProblemResponseWriter writer) {
		return new ProblemSecurityHandlers(writer);
	}

	/**
	 * {@code /internal/**}: operator endpoints (dead letters, backfills), never routed by
	 * the gateway and reachable only inside the deployment; they need the operator key
	 * besides, since a user token must not open them.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 100)
	SecurityFilterChain internalFilterChain(HttpSecurity http, MoaSecurityProperties properties,
			ProblemSecurityHandlers handlers, Environment environment) throws Exception {
		if (environment.matchesProfiles("prod")
				&& properties.operatorKey().equals(MoaSecurityProperties.DEV_OPERATOR_KEY)) {
			throw new IllegalStateException(
					"moa.security.operator-key (MOA_SECURITY_OPERATOR_KEY) must be set under prod");
		}
		stateless(http, handlers).securityMatcher("/internal/**")
			.addFilterBefore(new OperatorKeyFilter(properties.operatorKey()), AuthorizationFilter.class)
			.authorizeHttpRequests((requests) -> requests.anyRequest().hasRole(OperatorKeyFilter.ROLE));
		return http.build();
	}

	@Bean
	@ConditionalOnMissingBean(name = "resourceServerFilterChain")
	SecurityFilterChain resourceServerFilterChain(HttpSecurity http, MoaSecurityProperties properties,
			ProblemSecurityHandlers handlers) throws Exception {
		stateless(http, handlers)
			.oauth2ResourceServer((oauth) -> oauth.authenticationEntryPoint(handlers)
				.accessDeniedHandler(handlers)
				.withObjectPostProcessor(unavailableKeysAnswered(handlers))
				.jwt((jwt) -> jwt.jwtAuthenticationConverter(
						(token) -> new UserAuthentication(token, AccessTokenClaims.toUser(token)))))
			.authorizeHttpRequests((requests) -> {
				requests
					.requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info",
							"/actuator/prometheus", "/livez", "/readyz", "/v3/api-docs/**", "/error")
					.permitAll();
				for (String publicPath : properties.publicPaths()) {
					requests.requestMatchers(matcher(publicPath)).permitAll();
				}
				properties.rolePaths()
					.forEach((role, paths) -> paths.forEach(
							(path) -> requests.requestMatchers(matcher(path)).hasRole(UserRole.valueOf(role).name())));
				requests.anyRequest().authenticated();
			});
		return http.build();
	}

	/**
	 * A token that could not be checked because auth-service's keys could not be fetched
	 * (down since this instance started) reaches the entry point, which answers 503; the
	 * filter's default rethrew it, a 500.
	 */
	private static ObjectPostProcessor<BearerTokenAuthenticationFilter> unavailableKeysAnswered(
			ProblemSecurityHandlers handlers) {
		return new ObjectPostProcessor<>() {
			@Override
			public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
				AuthenticationEntryPointFailureHandler failureHandler = new AuthenticationEntryPointFailureHandler(
						handlers);
				failureHandler.setRethrowAuthenticationServiceException(false);
				filter.setAuthenticationFailureHandler(failureHandler);
				return filter;
			}
		};
	}

	private static HttpSecurity stateless(HttpSecurity http, ProblemSecurityHandlers handlers) throws Exception {
		return http.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.formLogin(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.exceptionHandling((ex) -> ex.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
			.headers(Customizer.withDefaults());
	}

	/**
	 * {@code "GET /api/products/**"} limits to one method; a bare pattern matches any
	 * method.
	 */
	static RequestMatcher matcher(String spec) {
		String trimmed = spec.trim();
		int space = trimmed.indexOf(' ');
		if (space > 0) {
			HttpMethod method = HttpMethod.valueOf(trimmed.substring(0, space).toUpperCase(Locale.ROOT));
			String path = trimmed.substring(space + 1).trim();
			RequestMatcher matcher = PathPatternRequestMatcher.withDefaults().matcher(method, path);
			// Spring MVC answers HEAD with the GET handler, so a rule for GET is one for
			// HEAD too (the gateway treats them alike): a public catalog's HEAD was 401.
			return (method == HttpMethod.GET) ? new OrRequestMatcher(matcher,
					PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.HEAD, path)) : matcher;
		}
		return PathPatternRequestMatcher.withDefaults().matcher(trimmed);
	}

}
