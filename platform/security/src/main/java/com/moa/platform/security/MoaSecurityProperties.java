package com.moa.platform.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a resource service verifies access tokens ({@code moa.security.*}).
 *
 * @param issuer the expected {@code iss}
 * @param audience the expected {@code aud}
 * @param jwkSetUri where auth-service publishes its public keys
 * @param clockSkew tolerance for {@code exp}/{@code nbf}; at most 60 s
 * @param publicPaths request patterns open without a token, e.g.
 * {@code GET /api/products/**} or {@code /api/auth/login}
 */
@ConfigurationProperties("moa.security")
public record MoaSecurityProperties(String issuer, String audience, URI jwkSetUri, Duration clockSkew,
		List<String> publicPaths) {

	public MoaSecurityProperties {
		issuer = (issuer != null) ? issuer : "moa-auth";
		audience = (audience != null) ? audience : "moa-api";
		jwkSetUri = (jwkSetUri != null) ? jwkSetUri
				: URI.create("http://localhost:8081/api/auth/.well-known/jwks.json");
		clockSkew = (clockSkew != null) ? clockSkew : Duration.ofSeconds(30);
		if (clockSkew.compareTo(Duration.ofSeconds(60)) > 0) {
			throw new IllegalArgumentException("moa.security.clock-skew must be at most 60s");
		}
		publicPaths = (publicPaths != null) ? List.copyOf(publicPaths) : List.of();
	}

}
