package com.moa.auth.user;

import java.util.UUID;

/**
 * Data of the {@code user.updated} event (EVENTS.md): a snapshot of the fields other
 * services project, with the row version so they apply only newer snapshots.
 *
 * @param userId the account's id
 * @param email the normalized email
 * @param name the display name
 * @param role the role (added to EVENTS.md's fields, compatibly: a projection started
 * from a backfill of {@code user.updated} snapshots needs it)
 * @param locale the preferred locale
 * @param version the user row's version after the change
 */
record UserUpdated(UUID userId, String email, String name, String role, String locale, long version) {

	static final String TYPE = "user.updated";

	static UserUpdated of(User user) {
		return new UserUpdated(user.id(), user.email(), user.name(), user.role().name(), user.locale(), user.version());
	}

}
