package com.moa.auth.user;

import java.util.UUID;

import com.moa.platform.security.UserRole;

/**
 * A created account.
 *
 * @param id the user id
 * @param email the normalized email
 * @param name the display name
 * @param role the role
 */
record UserResponse(UUID id, String email, String name, UserRole role) {

	static UserResponse of(User user) {
		return new UserResponse(user.id(), user.email(), user.name(), user.role());
	}

}
