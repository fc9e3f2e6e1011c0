package com.moa.gateway;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens shaped like auth-service's (RS256, {@code kid}, sub/role/sid, iss
 * moa-auth, aud moa-api), plus the forgeries a gateway must reject.
 */
final class TestTokens {

	static final String KID = "test-key-1";

	static final RSAKey DEFAULT_KEY = generate(KID);

	private TestTokens() {
	}

	static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String consumer() {
		return valid("CONSUMER");
	}

	static String seller() {
		return valid("SELLER");
	}

	static String valid(String role) {
		return sign(DEFAULT_KEY,
				claims(UUID.randomUUID(), role, "moa-auth", "moa-api", Instant.now().plusSeconds(900)));
	}

	static String forUser(UUID userId) {
		return sign(DEFAULT_KEY, claims(userId, "CONSUMER", "moa-auth", "moa-api", Instant.now().plusSeconds(900)));
	}

	static JWTClaimsSet claims(UUID subject, String role, String issuer, String audience, Instant expiresAt) {
		return new JWTClaimsSet.Builder().subject(subject.toString())
			.claim("role", role)
			.claim("sid", UUID.randomUUID().toString())
			.issuer(issuer)
			.audience(audience)
			.issueTime(Date.from(expiresAt.minusSeconds(900)))
			.expirationTime(Date.from(expiresAt))
			.jwtID(UUID.randomUUID().toString())
			.build();
	}

	static String sign(RSAKey key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String unsigned() {
		return new PlainJWT(claims(UUID.randomUUID(), "SELLER", "moa-auth", "moa-api", Instant.now().plusSeconds(900)))
			.serialize();
	}

	/** HS256 "signed" with the RSA public key's bytes as the HMAC secret. */
	static String hmacWithPublicKey() {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KID).build(),
					claims(UUID.randomUUID(), "SELLER", "moa-auth", "moa-api", Instant.now().plusSeconds(900)));
			jwt.sign(new MACSigner(DEFAULT_KEY.toRSAPublicKey().getEncoded()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String otherKeySameKid() {
		return sign(generate(KID),
				claims(UUID.randomUUID(), "SELLER", "moa-auth", "moa-api", Instant.now().plusSeconds(900)));
	}

	static String expiredSecondsAgo(long seconds) {
		return sign(DEFAULT_KEY,
				claims(UUID.randomUUID(), "CONSUMER", "moa-auth", "moa-api", Instant.now().minusSeconds(seconds)));
	}

	/** A valid consumer token whose payload was edited to claim SELLER afterwards. */
	static String tamperedPayload() {
		String[] parts = consumer().split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
		String forged = payload.replace("\"CONSUMER\"", "\"SELLER\"");
		return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes()) + "."
				+ parts[2];
	}

}
