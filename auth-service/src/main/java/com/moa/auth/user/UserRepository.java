package com.moa.auth.user;

import java.net.IDN;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import com.moa.platform.security.UserRole;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores accounts in {@code users}.
 */
@Repository
public class UserRepository {

	private final JdbcClient jdbc;

	UserRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Trims and lower-cases an email the way it is stored, with an internationalized
	 * domain in its Unicode form: {@code x@xn--3e0b707e.kr} and {@code x@한국.kr} are one
	 * mailbox, so they are one account (mail-service writes the ASCII form to SMTP).
	 */
	public static String normalizeEmail(String email) {
		String lower = email.trim().toLowerCase(Locale.ROOT);
		int at = lower.lastIndexOf('@');
		String domain = lower.substring(at + 1);
		if (at < 0 || (!domain.contains("xn--") && domain.chars().allMatch((c) -> c < 0x80))) {
			return lower;
		}
		try {
			String normalized = lower.substring(0, at + 1) + canonicalDomain(domain);
			// IDNA can lengthen a domain (㎒ is mhz): past the column's 254 characters the
			// address stays as typed rather than fail where it is stored.
			return (normalized.length() <= 254) ? normalized : lower;
		}
		catch (IllegalArgumentException ex) {
			return lower; // not a domain IDNA can write (signup refuses it)
		}
	}

	/**
	 * A domain in the Unicode form IDNA 2003 gives it, the one mail-service converts back
	 * to ASCII.
	 * @throws IllegalArgumentException when IDNA cannot write it
	 */
	static String canonicalDomain(String domain) {
		return IDN.toUnicode(IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES), IDN.USE_STD3_ASCII_RULES);
	}

	/** The email with its domain in ASCII (punycode) form, or itself. */
	private static String asciiDomain(String normalized) {
		int at = normalized.lastIndexOf('@');
		try {
			return normalized.substring(0, at + 1) + IDN.toASCII(normalized.substring(at + 1));
		}
		catch (IllegalArgumentException ex) {
			return normalized;
		}
	}

	/**
	 * Inserts a user.
	 * @throws org.springframework.dao.DuplicateKeyException when the email is taken
	 */
	void insert(User user) {
		OffsetDateTime created = OffsetDateTime.ofInstant(user.createdAt(), ZoneOffset.UTC);
		this.jdbc
			.sql("INSERT INTO users (id, email, password_hash, name, role, locale, created_at, updated_at) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
			.params(user.id(), user.email(), user.passwordHash(), user.name(), user.role().name(), user.locale(),
					created, created)
			.update();
	}

	public Optional<User> findByEmail(String email) {
		String normalized = normalizeEmail(email);
		String typed = email.trim().toLowerCase(Locale.ROOT);
		// Accounts made before domains were stored in Unicode keep the spelling they were
		// made with (the ASCII form, or one IDNA maps elsewhere): found by it, and the
		// account spelled exactly as typed comes first where two spellings are stored.
		return this.jdbc
			.sql("SELECT * FROM users WHERE lower(email) IN (?, ?, ?) "
					+ "ORDER BY lower(email) = ? DESC, lower(email) = ? DESC LIMIT 1")
			.params(normalized, asciiDomain(normalized), typed, typed, normalized)
			.query(UserRepository::map)
			.optional();
	}

	public Optional<User> findById(UUID id) {
		return this.jdbc.sql("SELECT * FROM users WHERE id = ?").param(id).query(UserRepository::map).optional();
	}

	/**
	 * Up to {@code limit} users with ids after {@code after}, in id order (keyset
	 * paging).
	 */
	List<User> page(UUID after, int limit) {
		return this.jdbc.sql("SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?")
			.params(after, limit)
			.query(UserRepository::map)
			.list();
	}

	void updateName(UUID id, String name, Instant now) {
		this.jdbc.sql("UPDATE users SET name = ?, updated_at = ?, version = version + 1 WHERE id = ?")
			.params(name, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), id)
			.update();
	}

	/**
	 * Replaces the password hash if it is still {@code expectedHash}, the one the current
	 * password was checked against.
	 * @return whether it was replaced ({@code false}: changed meanwhile, or no such user)
	 */
	boolean updatePasswordHash(UUID id, String expectedHash, String newHash, Instant now) {
		return this.jdbc
			.sql("UPDATE users SET password_hash = ?, updated_at = ?, version = version + 1 "
					+ "WHERE id = ? AND password_hash = ?")
			.params(newHash, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), id, expectedHash)
			.update() == 1;
	}

	private static User map(ResultSet rs, int row) throws SQLException {
		return new User(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("password_hash"),
				rs.getString("name"), UserRole.valueOf(rs.getString("role")), rs.getString("locale"),
				rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getLong("version"));
	}

}
