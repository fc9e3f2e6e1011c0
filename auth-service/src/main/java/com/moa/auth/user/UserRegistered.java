package com.moa.auth.user;

import java.util.UUID;

/**
 * Data of the {@code user.registered} event (EVENTS.md).
 *
 * @param userId the new account's id
 * @param email the normalized email
 * @param name the display name
 * @param role {@code CONSUMER} or {@code SELLER}
 * @param locale the preferred locale
 */
record UserRegistered(UUID userId, String email, String name, String role, String locale) {

	static final String TYPE = "user.registered";

	static UserRegistered of(User user) {
		return new UserRegistered(user.id(), user.email(), user.name(), user.role().name(), user.locale());
	}

}
