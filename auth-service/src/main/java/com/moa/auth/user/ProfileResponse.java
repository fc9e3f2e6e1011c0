package com.moa.auth.user;

import java.time.Instant;
import java.util.UUID;

import com.moa.platform.security.UserRole;

/**
 * The caller's profile.
 *
 * @param id the user id
 * @param email the normalized email
 * @param name the display name
 * @param role the role
 * @param createdAt when the account was created
 */
record ProfileResponse(UUID id, String email, String name, UserRole role, Instant createdAt) {

	static ProfileResponse of(User user) {
		return new ProfileResponse(user.id(), user.email(), user.name(), user.role(), user.createdAt());
	}

}
