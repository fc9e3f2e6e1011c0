package com.moa.auth.login;

import com.moa.auth.throttle.LoginThrottle;
import com.moa.auth.token.RefreshTokens;
import com.moa.auth.token.TokenResponse;
import com.moa.auth.user.Accounts;
import com.moa.auth.user.Passwords;
import com.moa.auth.user.User;
import com.moa.auth.user.UserRepository;

import org.springframework.stereotype.Service;

/**
 * Checks credentials under the throttle and starts a session.
 */
@Service
class LoginService {

	private final UserRepository users;

	private final Passwords passwords;

	private final LoginThrottle throttle;

	private final RefreshTokens refreshTokens;

	private final Accounts accounts;

	LoginService(UserRepository users, Passwords passwords, LoginThrottle throttle, RefreshTokens refreshTokens,
			Accounts accounts) {
		this.users = users;
		this.accounts = accounts;
		this.passwords = passwords;
		this.throttle = throttle;
		this.refreshTokens = refreshTokens;
	}

	TokenResponse login(LoginRequest request, String clientIp) {
		String email = UserRepository.normalizeEmail(request.email());
		// Counted as a failure before the password check; undone below if it succeeds.
		long attempt = this.throttle.reserve(email, clientIp);
		// As typed: an account stored before normalization changed keeps its spelling.
		User user = this.users.findByEmail(request.email()).orElse(null);
		// An unknown email still costs one BCrypt check: same answer, similar timing.
		boolean valid = (user != null) ? this.passwords.matches(request.password(), user.passwordHash())
				: this.passwords.matchesNothing(request.password());
		if (!valid) {
			throw new InvalidCredentialsException();
		}
		String hash = this.accounts.upgradedHash(user, request.password());
		TokenResponse session = this.refreshTokens.startSession(user.id(), user.role(), hash)
			.orElseThrow(InvalidCredentialsException::new);
		this.throttle.succeeded(attempt, email);
		return session;
	}

}
