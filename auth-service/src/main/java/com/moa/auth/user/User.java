package com.moa.auth.user;

import java.time.Instant;
import java.util.UUID;

import com.moa.platform.security.UserRole;

/**
 * A stored account.
 *
 * @param id the user id
 * @param email the normalized (lower-case) email
 * @param passwordHash the password hash
 * @param name the display name
 * @param role the role
 * @param locale the preferred locale ({@code ko} or {@code en})
 * @param createdAt when the account was created
 * @param version incremented on every change, carried in {@code user.updated}
 */
public record User(UUID id, String email, String passwordHash, String name, UserRole role, String locale,
		Instant createdAt, long version) {
}
