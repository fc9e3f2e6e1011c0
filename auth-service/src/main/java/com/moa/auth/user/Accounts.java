package com.moa.auth.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.moa.auth.throttle.LoginThrottle;
import com.moa.auth.token.RefreshTokens;
import com.moa.platform.events.EventPublisher;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.UserRole;
import com.moa.platform.web.NotFoundException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Account use cases: signup, reading and changing the caller's profile.
 */
@Service
public class Accounts {

	private final UserRepository users;

	private final Passwords passwords;

	private final RefreshTokens refreshTokens;

	private final LoginThrottle throttle;

	private final EventPublisher events;

	private final TransactionTemplate transaction;

	private final Clock clock;

	Accounts(UserRepository users, Passwords passwords, RefreshTokens refreshTokens, LoginThrottle throttle,
			EventPublisher events, TransactionTemplate transaction, Clock clock) {
		this.users = users;
		this.passwords = passwords;
		this.refreshTokens = refreshTokens;
		this.throttle = throttle;
		this.events = events;
		this.transaction = transaction;
		this.clock = clock;
	}

	/**
	 * Creates an account and, in the same transaction, its {@code user.registered} event:
	 * a failed signup (email taken) publishes nothing.
	 */
	User signup(SignupRequest request) {
		String email = UserRepository.normalizeEmail(request.email());
		if (this.users.findByEmail(email).isPresent()) {
			throw new EmailTakenException();
		}
		User user = new User(UUID.randomUUID(), email, this.passwords.hash(request.password()), request.name().strip(),
				UserRole.valueOf(request.role().name()), (request.locale() != null) ? request.locale() : "ko", now(),
				0);
		// Only the insert and its event form the transaction: the BCrypt hash above holds
		// no database connection.
		return this.transaction.execute((status) -> {
			try {
				this.users.insert(user);
			}
			catch (DuplicateKeyException ex) {
				// A concurrent signup won the unique index.
				throw new EmailTakenException();
			}
			this.events.publish(UserRegistered.TYPE, user.id().toString(), UserRegistered.of(user));
			return user;
		});
	}

	User profile(AuthenticatedUser caller) {
		return this.users.findById(caller.id()).orElseThrow(() -> new NotFoundException("user", caller.id()));
	}

	/**
	 * Applies a profile change. A password change needs the current password and revokes
	 * every other session (refresh-token family); the caller's own session stays. A name
	 * change publishes {@code user.updated} in the same transaction; a password-only
	 * change does not, since no field other services project changed.
	 * <p>
	 * The current password is checked under the login throttle (account and client IP),
	 * so a stolen access token is no unthrottled way to guess it. Both BCrypt operations
	 * run before the transaction: it only writes, and holds no database connection while
	 * hashing. The write then requires the stored hash still to be the one checked, so a
	 * password changed meanwhile is not overwritten.
	 * <p>
	 * A repeat of a change already made (a double tap, a retry after a lost answer) is
	 * answered as the change was: its {@code currentPassword} no longer matches, or its
	 * write finds the hash its twin wrote, but its {@code newPassword} is the password
	 * now, so nothing is left to do (it answered 409 "nothing was changed", or 400
	 * counted as a failed login, and the user thought the change had failed).
	 * @throws WrongCurrentPasswordException when {@code currentPassword} is missing or
	 * wrong
	 * @throws ConcurrentPasswordChangeException when another request changed the password
	 * after the check
	 */
	User update(AuthenticatedUser caller, UpdateProfileRequest request, String clientIp) {
		PasswordChange passwordChange = (request.newPassword() != null)
				? preparePasswordChange(caller, request.currentPassword(), request.newPassword(), clientIp) : null;
		try {
			return write(caller, request, passwordChange);
		}
		catch (ConcurrentPasswordChangeException ex) {
			if (!this.passwords.matches(request.newPassword(), profile(caller).passwordHash())) {
				throw ex;
			}
			return write(caller, request, PasswordChange.MADE);
		}
	}

	private User write(AuthenticatedUser caller, UpdateProfileRequest request, PasswordChange passwordChange) {
		return this.transaction.execute((status) -> {
			Instant now = now();
			if (passwordChange != null && passwordChange != PasswordChange.MADE) {
				if (!this.users.updatePasswordHash(caller.id(), passwordChange.checkedHash(), passwordChange.newHash(),
						now)) {
					throw new ConcurrentPasswordChangeException();
				}
				this.refreshTokens.revokeAllExcept(caller.id(), caller.sessionId());
			}
			if (request.name() != null) {
				this.users.updateName(caller.id(), request.name().strip(), now);
			}
			User updated = profile(caller);
			if (request.name() != null) {
				this.events.publish(UserUpdated.TYPE, updated.id().toString(), UserUpdated.of(updated));
			}
			return updated;
		});
	}

	/**
	 * The user's password hash at the configured cost, after a login proved the password:
	 * one made at a lower cost (the cost was raised since) is replaced, unless the hash
	 * changed meanwhile.
	 * @return the hash the session is checked against: the one stored now if it matches
	 * the password (another login upgraded it first), else the one checked (the password
	 * was changed: the session is refused)
	 */
	public String upgradedHash(User user, String password) {
		String hash = user.passwordHash();
		if (!this.passwords.isWeakerThanConfigured(hash)) {
			return hash;
		}
		String upgraded = this.passwords.hash(password);
		if (this.users.updatePasswordHash(user.id(), hash, upgraded, now())) {
			return upgraded;
		}
		return this.users.findById(user.id())
			.map(User::passwordHash)
			.filter((current) -> this.passwords.matches(password, current))
			.orElse(hash);
	}

	/**
	 * Checks the current password as a login attempt would be (counted before the check,
	 * cleared when right) and hashes the new one; no transaction is open.
	 */
	private PasswordChange preparePasswordChange(AuthenticatedUser caller, String currentPassword, String newPassword,
			String clientIp) {
		if (currentPassword == null) {
			throw new WrongCurrentPasswordException();
		}
		User user = profile(caller);
		String email = UserRepository.normalizeEmail(user.email());
		long attempt = this.throttle.reserve(email, clientIp);
		if (!this.passwords.matches(currentPassword, user.passwordHash())) {
			// Still under the throttle: no unthrottled check of the password either way.
			if (!this.passwords.matches(newPassword, user.passwordHash())) {
				throw new WrongCurrentPasswordException();
			}
			this.throttle.succeeded(attempt, email);
			return PasswordChange.MADE;
		}
		this.throttle.succeeded(attempt, email);
		return new PasswordChange(user.passwordHash(), this.passwords.hash(newPassword));
	}

	private Instant now() {
		// PostgreSQL keeps microseconds; truncating keeps responses equal to stored
		// values.
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * A verified password change.
	 *
	 * @param checkedHash the stored hash the current password matched
	 * @param newHash the new password's hash
	 */
	private record PasswordChange(String checkedHash, String newHash) {

		/** Made already, by an earlier copy of the request: nothing to write. */
		static final PasswordChange MADE = new PasswordChange(null, null);

	}

}
