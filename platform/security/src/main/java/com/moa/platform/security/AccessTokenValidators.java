package com.moa.platform.security;

import java.time.Duration;
import java.util.List;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The claim checks every verifier applies (gateway and services alike): issuer, audience,
 * a required expiry with bounded skew, and a subject.
 */
public final class AccessTokenValidators {

	private AccessTokenValidators() {
	}

	public static OAuth2TokenValidator<Jwt> create(String issuer, String audience, Duration clockSkew) {
		OAuth2TokenValidator<Jwt> expiryRequired = (jwt) -> (jwt.getExpiresAt() != null)
				? OAuth2TokenValidatorResult.success()
				: OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "exp is required", null));
		return new DelegatingOAuth2TokenValidator<>(
				List.of(expiryRequired, new JwtTimestampValidator(clockSkew), new JwtIssuerValidator(issuer),
						new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(audience)),
						new JwtClaimValidator<String>("sub", (sub) -> sub != null && !sub.isBlank())));
	}

}
