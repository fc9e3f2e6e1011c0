package com.moa.platform.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signs access tokens the way auth-service does (RS256, {@code kid},
 * iss/aud/sub/role/sid) with a test key, and forges the classic bad ones, so every
 * verifier is tested against the same attacks.
 */
public final class TestJwts {

	public static final String ISSUER = "moa-auth";

	public static final String AUDIENCE = "moa-api";

	private final RSAKey key;

	private TestJwts(RSAKey key) {
		this.key = key;
	}

	/** A new RSA-2048 signing key with the given key id. */
	public static TestJwts withNewKey(String kid) {
		try {
			return new TestJwts(new RSAKeyGenerator(2048).keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String kid() {
		return this.key.getKeyID();
	}

	/** The public JWK Set document, as auth-service serves it. */
	public String jwksJson() {
		return new JWKSet(this.key.toPublicJWK()).toString();
	}

	/** The public JWK Set of several signers (key rotation). */
	public static String jwksJson(TestJwts... signers) {
		return new JWKSet(java.util.Arrays.stream(signers)
			.map((s) -> s.key.toPublicJWK())
			.map((k) -> (com.nimbusds.jose.jwk.JWK) k)
			.toList()).toString();
	}

	/** Valid claims for a user of the role, 15 minutes left. */
	public static JWTClaimsSet.Builder claims(UUID userId, String role) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().subject(userId.toString())
			.issuer(ISSUER)
			.audience(List.of(AUDIENCE))
			.claim("role", role)
			.claim("sid", UUID.randomUUID().toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
			.jwtID(UUID.randomUUID().toString());
	}

	/** A valid token for a new user of the role. */
	public String token(String role) {
		return token(claims(UUID.randomUUID(), role).build());
	}

	public String token(UUID userId, String role) {
		return token(claims(userId, role).build());
	}

	/**
	 * A token with the default claims changed by the customizer (wrong iss, expired,
	 * ...).
	 */
	public String token(String role, Consumer<JWTClaimsSet.Builder> customizer) {
		JWTClaimsSet.Builder builder = claims(UUID.randomUUID(), role);
		customizer.accept(builder);
		return token(builder.build());
	}

	public String token(JWTClaimsSet claims) {
		return signed(kid(), claims);
	}

	/**
	 * Signed by this key, but naming another key id (one auth-service never published):
	 * cheaper than a new key per made-up id.
	 */
	public String tokenNamingKey(String kid, String role) {
		return signed(kid, claims(UUID.randomUUID(), role).build());
	}

	private String signed(String kid, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
			jwt.sign(new RSASSASigner(this.key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Unsigned: header {@code alg: none}, empty signature. */
	public String forgedAlgNone(String role) {
		String header = base64("{\"alg\":\"none\",\"kid\":\"" + kid() + "\"}");
		return header + "." + base64(claims(UUID.randomUUID(), role).build().toString()) + ".";
	}

	/**
	 * HS256 using the public key's encoded bytes as the HMAC secret (the key-confusion
	 * attack).
	 */
	public String forgedHs256WithPublicKey(String role) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid()).build(),
					claims(UUID.randomUUID(), role).build());
			jwt.sign(new MACSigner(this.key.toRSAPublicKey().getEncoded()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Signed by a different private key that claims this signer's key id. */
	public String forgedByOtherKeySameKid(String role) {
		return withNewKey(kid()).token(role);
	}

	/**
	 * A valid token whose payload was then changed (role raised to ADMIN), signature
	 * kept.
	 */
	public String forgedTamperedPayload(String role) {
		String[] parts = token(role).split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		return parts[0] + "." + base64(payload.replace("\"" + role + "\"", "\"ADMIN\"")) + "." + parts[2];
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
