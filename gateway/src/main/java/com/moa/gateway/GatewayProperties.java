package com.moa.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code moa.gateway.*}); every field has a local-development default.
 *
 * @param security how access tokens are verified
 * @param rateLimit request limits kept in Redis
 * @param cors browser origins allowed to call the API
 * @param upstream timeouts towards the services
 */
@Validated
@ConfigurationProperties("moa.gateway")
public record GatewayProperties(@Valid Security security, @Valid RateLimit rateLimit, @Valid Cors cors,
		@Valid Upstream upstream) {

	public GatewayProperties {
		security = (security != null) ? security : new Security(null, null, null, null, null, null);
		rateLimit = (rateLimit != null) ? rateLimit : new RateLimit(null, null, null, null);
		cors = (cors != null) ? cors : new Cors(null);
		upstream = (upstream != null) ? upstream : new Upstream(null, null, null);
	}

	/**
	 * Access-token verification.
	 *
	 * @param jwkSetUri auth-service's JWK Set
	 * @param issuer expected {@code iss}
	 * @param audience expected {@code aud}
	 * @param clockSkew tolerance for {@code exp}; at most 60 s
	 * @param jwkSetRefreshInterval least time between two fetches of the JWK Set caused
	 * by tokens naming a key id it lacks
	 * @param jwkSetMaxAge age after which the JWK Set is fetched again (in the
	 * background), so a withdrawn key stops verifying; the services' decoders keep it as
	 * long
	 */
	public record Security(@NotNull URI jwkSetUri, @NotBlank String issuer, @NotBlank String audience,
			@NotNull Duration clockSkew, @NotNull Duration jwkSetRefreshInterval, @NotNull Duration jwkSetMaxAge) {

		public Security {
			jwkSetUri = (jwkSetUri != null) ? jwkSetUri
					: URI.create("http://localhost:8081/api/auth/.well-known/jwks.json");
			issuer = (issuer != null) ? issuer : "moa-auth";
			audience = (audience != null) ? audience : "moa-api";
			clockSkew = (clockSkew != null) ? clockSkew : Duration.ofSeconds(60);
			jwkSetRefreshInterval = (jwkSetRefreshInterval != null) ? jwkSetRefreshInterval : Duration.ofSeconds(30);
			jwkSetMaxAge = (jwkSetMaxAge != null) ? jwkSetMaxAge : Duration.ofMinutes(5);
			if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofSeconds(60)) > 0) {
				throw new IllegalArgumentException("moa.gateway.security.clock-skew must be between 0 and 60s");
			}
		}

	}

	/**
	 * Fixed-window request limits.
	 *
	 * @param api every {@code /api/**} and {@code /ws/**} request, per user (token
	 * {@code sub}) or per client IP when anonymous; fails open when Redis is unreachable
	 * @param auth {@code POST} to the {@code authPaths}, per client IP; fails closed
	 * @param authPaths the credential endpoints limited by {@code auth}
	 * @param redisTimeout how long a limit check may wait for Redis
	 */
	public record RateLimit(@Valid Limit api, @Valid Limit auth, List<String> authPaths, Duration redisTimeout) {

		public RateLimit {
			api = (api != null) ? api : new Limit(120, Duration.ofSeconds(10));
			auth = (auth != null) ? auth : new Limit(10, Duration.ofSeconds(60));
			authPaths = (authPaths != null) ? List.copyOf(authPaths) : List.of("/api/auth/login", "/api/auth/signup");
			redisTimeout = (redisTimeout != null) ? redisTimeout : Duration.ofMillis(500);
		}

	}

	/**
	 * At most {@code requests} per {@code window}.
	 *
	 * @param requests requests allowed in one window
	 * @param window the window length
	 */
	public record Limit(@Positive int requests, @NotNull Duration window) {

	}

	/**
	 * Cross-origin access for the seller dashboard.
	 *
	 * @param allowedOrigins exact origins allowed
	 */
	public record Cors(List<String> allowedOrigins) {

		public Cors {
			allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins)
					: List.of("http://localhost:3000", "http://localhost:5173");
		}

	}

	/**
	 * Calls to the services.
	 *
	 * @param responseTimeout how long a service may take to answer before the gateway
	 * gives up (504)
	 * @param requestBodyTimeout how long a client may take to send a request's whole
	 * body, which is received before the request goes on (408)
	 * @param maxRequestBody the largest request body passed on (413); the services' own
	 * limit ({@code moa.web.max-request-size})
	 */
	public record Upstream(Duration responseTimeout, Duration requestBodyTimeout, DataSize maxRequestBody) {

		public Upstream {
			responseTimeout = (responseTimeout != null) ? responseTimeout : Duration.ofSeconds(10);
			requestBodyTimeout = (requestBodyTimeout != null) ? requestBodyTimeout : Duration.ofSeconds(10);
			maxRequestBody = (maxRequestBody != null) ? maxRequestBody : DataSize.ofKilobytes(256);
		}

	}

}
