package com.moa.auth.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.moa.auth.token.RefreshTokens;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.UserRole;
import com.moa.platform.web.NotFoundException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Account use cases: signup, reading and changing the caller's profile.
 */
@Service
class Accounts {

	private final UserRepository users;

	private final Passwords passwords;

	private final RefreshTokens refreshTokens;

	private final Clock clock;

	Accounts(UserRepository users, Passwords passwords, RefreshTokens refreshTokens, Clock clock) {
		this.users = users;
		this.passwords = passwords;
		this.refreshTokens = refreshTokens;
		this.clock = clock;
	}

	User signup(SignupRequest request) {
		String email = UserRepository.normalizeEmail(request.email());
		if (this.users.findByEmail(email).isPresent()) {
			throw new EmailTakenException();
		}
		User user = new User(UUID.randomUUID(), email, this.passwords.hash(request.password()), request.name().trim(),
				UserRole.valueOf(request.role().name()), (request.locale() != null) ? request.locale() : "ko", now());
		try {
			this.users.insert(user);
		}
		catch (DuplicateKeyException ex) {
			// A concurrent signup won the unique index.
			throw new EmailTakenException();
		}
		return user;
	}

	User profile(AuthenticatedUser caller) {
		return this.users.findById(caller.id()).orElseThrow(() -> new NotFoundException("user", caller.id()));
	}

	/**
	 * Applies a profile change. A password change needs the current password and revokes
	 * every other session (refresh-token family); the caller's own session stays.
	 */
	@Transactional
	User update(AuthenticatedUser caller, UpdateProfileRequest request) {
		User user = profile(caller);
		Instant now = now();
		if (request.newPassword() != null) {
			if (request.currentPassword() == null
					|| !this.passwords.matches(request.currentPassword(), user.passwordHash())) {
				throw new WrongCurrentPasswordException();
			}
			this.users.updatePasswordHash(user.id(), this.passwords.hash(request.newPassword()), now);
			this.refreshTokens.revokeAllExcept(user.id(), caller.sessionId());
		}
		if (request.name() != null) {
			this.users.updateName(user.id(), request.name().trim(), now);
		}
		return profile(caller);
	}

	private Instant now() {
		// PostgreSQL keeps microseconds; truncating keeps responses equal to stored
		// values.
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

}
