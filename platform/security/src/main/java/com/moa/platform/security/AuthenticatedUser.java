package com.moa.platform.security;

import java.util.UUID;

/**
 * The verified caller of a request, taken from the access token; inject it with
 * {@code @AuthenticationPrincipal AuthenticatedUser user}.
 *
 * @param id the user id (token {@code sub})
 * @param role the user's role
 * @param sessionId the login session (refresh-token family) the token was issued for, if
 * any
 */
public record AuthenticatedUser(UUID id, UserRole role, String sessionId) {

	public boolean isSeller() {
		return this.role == UserRole.SELLER;
	}

}
