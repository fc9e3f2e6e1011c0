package com.moa.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.moa.auth.AuthProperties;
import com.moa.auth.keys.SigningKey;
import com.moa.auth.keys.SigningKeys;
import com.moa.platform.security.AccessTokenClaims;
import com.moa.platform.security.MoaSecurityProperties;
import com.moa.platform.security.UserRole;
import io.jsonwebtoken.Jwts;

import org.springframework.stereotype.Component;

/**
 * Issues RS256 access tokens signed with the active key.
 */
@Component
class AccessTokens {

	private final SigningKeys keys;

	private final MoaSecurityProperties security;

	private final Duration ttl;

	private final Clock clock;

	AccessTokens(SigningKeys keys, MoaSecurityProperties security, AuthProperties properties, Clock clock) {
		this.keys = keys;
		this.security = security;
		this.ttl = properties.tokens().accessTokenTtl();
		this.clock = clock;
	}

	Duration ttl() {
		return this.ttl;
	}

	String issue(UUID userId, UserRole role, UUID sessionId) {
		SigningKey key = this.keys.active();
		Instant now = this.clock.instant();
		return Jwts.builder()
			.header()
			.keyId(key.kid())
			.and()
			.subject(userId.toString())
			.issuer(this.security.issuer())
			.audience()
			.add(this.security.audience())
			.and()
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plus(this.ttl)))
			.id(UUID.randomUUID().toString())
			.claim(AccessTokenClaims.ROLE, role.name())
			.claim(AccessTokenClaims.SESSION, sessionId.toString())
			.signWith(key.privateKey(), Jwts.SIG.RS256)
			.compact();
	}

}
