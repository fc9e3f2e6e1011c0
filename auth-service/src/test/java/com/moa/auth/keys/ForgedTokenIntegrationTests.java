package com.moa.auth.keys;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.moa.auth.AuthIntegrationTestSupport;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * auth-service's own /me verifies tokens with its own keys and rejects every classic
 * forgery with a 401 problem.
 */
class ForgedTokenIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	private SigningKeys keys;

	private String userId;

	@BeforeEach
	void createUser() {
		this.userId = signupConsumer(uniqueEmail());
	}

	@Test
	void acceptsTokenBuiltLikeAuthServiceDoes() {
		assertThat(me(token(UnaryOperator.identity(), this.keys.active().privateKey()))).hasStatus(HttpStatus.OK);
	}

	@Test
	void rejectsUnsignedAlgNoneToken() {
		String token = claims(Jwts.builder().header().keyId(this.keys.active().kid()).and()).compact();
		assertThat(token).endsWith(".");

		assertRejected(token);
	}

	@Test
	void rejectsHs256SignedWithThePublicKeyBytes() throws Exception {
		byte[] publicKeyBytes = this.keys.active().publicKey().getEncoded();
		String token = claims(Jwts.builder().header().keyId(this.keys.active().kid()).and())
			.signWith(Keys.hmacShaKeyFor(publicKeyBytes), Jwts.SIG.HS256)
			.compact();

		assertRejected(token);
	}

	@Test
	void rejectsTokenSignedByAnotherKeyClaimingTheSameKid() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);

		assertRejected(token(UnaryOperator.identity(), generator.generateKeyPair().getPrivate()));
	}

	@Test
	void rejectsWrongIssuer() {
		assertRejected(token((builder) -> builder.issuer("evil-auth"), this.keys.active().privateKey()));
	}

	@Test
	void rejectsWrongAudience() {
		String token = claims(Jwts.builder().header().keyId(this.keys.active().kid()).and(), "other-api")
			.signWith(this.keys.active().privateKey(), Jwts.SIG.RS256)
			.compact();

		assertRejected(token);
	}

	@Test
	void rejectsTokenExpiredMoreThanSixtySecondsAgo() {
		Instant now = Instant.now();
		assertRejected(token((builder) -> builder.issuedAt(Date.from(now.minusSeconds(1000)))
			.expiration(Date.from(now.minusSeconds(61))), this.keys.active().privateKey()));
	}

	@Test
	void rejectsTamperedPayload() {
		String valid = token(UnaryOperator.identity(), this.keys.active().privateKey());
		String[] parts = valid.split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		String tampered = payload.replace("\"CONSUMER\"", "\"ADMIN\"");
		assertThat(tampered).isNotEqualTo(payload);
		String forged = parts[0] + "."
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(tampered.getBytes(StandardCharsets.UTF_8))
				+ "." + parts[2];

		assertRejected(forged);
	}

	@Test
	void rejectsGarbageToken() {
		assertRejected("not.a.jwt");
	}

	private void assertRejected(String token) {
		MvcTestResult result = me(token);
		assertThat(result).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	/** A token with auth-service's header and claims, changed by the customizer. */
	private String token(UnaryOperator<JwtBuilder> customizer, PrivateKey key) {
		JwtBuilder builder = claims(Jwts.builder().header().keyId(this.keys.active().kid()).and());
		return customizer.apply(builder).signWith(key, Jwts.SIG.RS256).compact();
	}

	private JwtBuilder claims(JwtBuilder builder) {
		return claims(builder, "moa-api");
	}

	private JwtBuilder claims(JwtBuilder builder, String audience) {
		Instant now = Instant.now();
		return builder.subject(this.userId)
			.issuer("moa-auth")
			.audience()
			.add(audience)
			.and()
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plusSeconds(900)))
			.id(UUID.randomUUID().toString())
			.claim("role", "CONSUMER")
			.claim("sid", UUID.randomUUID().toString());
	}

}
