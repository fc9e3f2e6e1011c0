package com.moa.auth.keys;

import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the public half of every valid signing key.
 */
@RestController
class JwksController {

	private final Map<String, Object> jwks;

	JwksController(JWKSet publicJwkSet) {
		this.jwks = publicJwkSet.toPublicJWKSet().toJSONObject();
	}

	@GetMapping("/api/auth/.well-known/jwks.json")
	ResponseEntity<Map<String, Object>> jwks() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
			.body(this.jwks);
	}

}
