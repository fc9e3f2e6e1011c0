package com.moa.platform.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a resource service verifies access tokens ({@code moa.security.*}).
 *
 * @param issuer the expected {@code iss}
 * @param audience the expected {@code aud}
 * @param jwkSetUri where auth-service publishes its public keys
 * @param jwkSetMaxAge how long the fetched set is kept before it is fetched again: a key
 * auth-service withdrew stops verifying within it (the gateway's {@code jwk-set-max-age}
 * is the same)
 * @param jwkSetRefreshInterval a token naming a key id the set lacks fetches it again at
 * most twice per this interval
 * @param clockSkew tolerance for {@code exp}/{@code nbf}; at most 60 s
 * @param publicPaths request patterns open without a token, e.g.
 * {@code GET /api/products/**} or {@code /api/auth/login}
 * @param rolePaths request patterns that need a role, by role: {@code SELLER:
 * [/api/seller/**]}; enforced by the filter chain, before any handler runs
 * @param operatorKey the shared secret operators send as {@code X-Operator-Key} to
 * {@code /internal/**} (dead letters, backfills); the development default is refused
 * under the {@code prod} profile
 */
@ConfigurationProperties("moa.security")
public record MoaSecurityProperties(String issuer, String audience, URI jwkSetUri, Duration jwkSetMaxAge,
		Duration jwkSetRefreshInterval, Duration clockSkew, List<String> publicPaths,
		Map<String, List<String>> rolePaths, String operatorKey) {

	/** Development default only (marked as such; the prod profile refuses it). */
	public static final String DEV_OPERATOR_KEY = "dev-operator-key";

	public MoaSecurityProperties {
		issuer = (issuer != null) ? issuer : "moa-auth";
		audience = (audience != null) ? audience : "moa-api";
		jwkSetUri = (jwkSetUri != null) ? jwkSetUri
				: URI.create("http://localhost:8081/api/auth/.well-known/jwks.json");
		jwkSetMaxAge = (jwkSetMaxAge != null) ? jwkSetMaxAge : Duration.ofMinutes(5);
		jwkSetRefreshInterval = (jwkSetRefreshInterval != null) ? jwkSetRefreshInterval : Duration.ofSeconds(30);
		clockSkew = (clockSkew != null) ? clockSkew : Duration.ofSeconds(30);
		if (clockSkew.compareTo(Duration.ofSeconds(60)) > 0) {
			throw new IllegalArgumentException("moa.security.clock-skew must be at most 60s");
		}
		publicPaths = (publicPaths != null) ? List.copyOf(publicPaths) : List.of();
		rolePaths = (rolePaths != null) ? Map.copyOf(rolePaths) : Map.of();
		operatorKey = (operatorKey != null && !operatorKey.isBlank()) ? operatorKey : DEV_OPERATOR_KEY;
	}

}
