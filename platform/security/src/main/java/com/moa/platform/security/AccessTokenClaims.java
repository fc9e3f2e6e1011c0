package com.moa.platform.security;

import java.util.UUID;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Names of the claims auth-service puts in access tokens, and their mapping to the
 * caller.
 */
public final class AccessTokenClaims {

	public static final String ROLE = "role";

	public static final String SESSION = "sid";

	private AccessTokenClaims() {
	}

	/**
	 * Maps a verified token to its user; a token without a well-formed subject or role is
	 * invalid.
	 */
	public static AuthenticatedUser toUser(Jwt jwt) {
		try {
			UUID id = UUID.fromString(jwt.getSubject());
			UserRole role = UserRole.valueOf(jwt.getClaimAsString(ROLE));
			return new AuthenticatedUser(id, role, jwt.getClaimAsString(SESSION));
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			// An authentication exception, so the resource server answers 401 instead of
			// failing.
			throw new InvalidBearerTokenException("Access token has no valid subject or role", ex);
		}
	}

}
