package com.moa.auth.keys;

import com.moa.platform.security.AccessTokenValidators;
import com.moa.platform.security.MoaSecurityProperties;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * auth-service verifies access tokens against its own public keys, in process: the
 * platform's JWKS-over-HTTP decoder backs off because this one exists.
 */
@Configuration(proxyBeanMethods = false)
class OwnKeysConfiguration {

	@Bean
	JWKSet publicJwkSet(SigningKeys keys) {
		return new JWKSet(keys.all()
			.stream()
			.<JWK>map((key) -> new RSAKey.Builder(key.publicKey()).keyID(key.kid())
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build())
			.toList());
	}

	@Bean
	JwtDecoder jwtDecoder(JWKSet publicJwkSet, MoaSecurityProperties security) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		// RS256 only: "none", HS256 (e.g. keyed with the public key) and others fail
		// here.
		processor.setJWSKeySelector(
				new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(publicJwkSet)));
		// Claims are checked by Spring's validators below, with the configured skew.
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		decoder.setJwtValidator(
				AccessTokenValidators.create(security.issuer(), security.audience(), security.clockSkew()));
		return decoder;
	}

}
