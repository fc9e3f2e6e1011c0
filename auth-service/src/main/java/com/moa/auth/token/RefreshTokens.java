package com.moa.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.moa.auth.AuthProperties;
import com.moa.platform.security.UserRole;
import com.moa.platform.security.WarningLimit;
import io.github.resilience4j.ratelimiter.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sessions: a login starts a refresh-token family; every refresh spends the presented
 * token and issues the next one in the same family; presenting a spent or revoked token
 * revokes the whole family (theft detection).
 *
 * <p>
 * Revocation and refresh serialize on the user's row: a refresh holds it exclusively
 * until it commits, a login shared, a logout or a password change exclusively before it
 * revokes. Without that, a revocation whose statement started just before a concurrent
 * refresh committed would miss the refresh's new token, and the session would survive its
 * logout. A refresh can itself revoke (a reused token), so refreshes of one user wait for
 * each other: a user refreshes a few times an hour, a thief in a loop must not slip
 * through.
 */
@Service
public class RefreshTokens {

	private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);

	private static final String BEARER = "Bearer";

	private final JdbcClient jdbc;

	private final AccessTokens accessTokens;

	private final Duration ttl;

	private final int maxIssuedPerHour;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	/** One warning per 30 s: the refresh loop this refuses would flood the log. */
	private final RateLimiter throttleWarnings = WarningLimit.oncePer(Duration.ofSeconds(30),
			"refresh-throttle-warnings");

	RefreshTokens(JdbcClient jdbc, AccessTokens accessTokens, AuthProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.accessTokens = accessTokens;
		this.ttl = properties.tokens().refreshTokenTtl();
		this.maxIssuedPerHour = properties.tokens().maxIssuedPerHour();
		this.clock = clock;
	}

	/**
	 * Starts a new session (family) for a user who just proved who they are with the
	 * password whose hash was checked, unless that password has been changed since: the
	 * check ran without a lock, and a change revoking every session must not miss one
	 * that commits after it. Shared lock on the user: a change in progress is waited for
	 * (then the hash differs), one that comes later waits for this session and revokes
	 * it.
	 * @return the session, or empty when the password changed after the check
	 */
	@Transactional
	public Optional<TokenResponse> startSession(UUID userId, UserRole role, String checkedPasswordHash) {
		String current = this.jdbc.sql("SELECT password_hash FROM users WHERE id = ? FOR SHARE")
			.param(userId)
			.query(String.class)
			.optional()
			.orElse(null);
		if (!checkedPasswordHash.equals(current)) {
			return Optional.empty();
		}
		return Optional.of(issue(userId, role, UUID.randomUUID()));
	}

	/**
	 * Spends the presented token and issues the next pair. A spent or revoked token
	 * revokes its family; that revocation commits although the call fails.
	 */
	@Transactional(noRollbackFor = InvalidRefreshTokenException.class)
	public TokenResponse refresh(String refreshToken) {
		String hash = hash(refreshToken);
		Optional<UUID> owner = this.jdbc.sql("SELECT user_id FROM refresh_tokens WHERE token_hash = ?")
			.param(hash)
			.query(UUID.class)
			.optional();
		if (owner.isEmpty()) {
			throw new InvalidRefreshTokenException();
		}
		// Exclusive, not shared: a reuse revokes the family, and with refreshes of the
		// same family side by side its UPDATE would miss the token one of them is
		// committing.
		lockUser(owner.get(), "FOR NO KEY UPDATE");
		// FOR UPDATE: of two concurrent uses of one token exactly one sees it unspent.
		List<Row> rows = this.jdbc
			.sql("SELECT t.family_id, t.user_id, t.expires_at, t.spent_at, t.revoked_at, u.role "
					+ "FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? FOR UPDATE OF t")
			.param(hash)
			.query((rs, n) -> new Row(rs.getObject("family_id", UUID.class), rs.getObject("user_id", UUID.class),
					rs.getObject("expires_at", OffsetDateTime.class), rs.getObject("spent_at", OffsetDateTime.class),
					rs.getObject("revoked_at", OffsetDateTime.class), UserRole.valueOf(rs.getString("role"))))
			.list();
		if (rows.isEmpty()) {
			throw new InvalidRefreshTokenException();
		}
		Row row = rows.get(0);
		OffsetDateTime now = now();
		if (row.spentAt() != null) {
			int revoked = revokeFamily(row.familyId(), now);
			log.warn("Refresh token reuse for user {}: family {} revoked ({} token(s))", row.userId(), row.familyId(),
					revoked);
			throw new InvalidRefreshTokenException();
		}
		if (row.revokedAt() != null) {
			// Its session ended (logout, password change, an earlier reuse). An app
			// still holding it is no attack; a warning for each would hide real reuse.
			log.debug("Refresh with a revoked token for user {} (family {})", row.userId(), row.familyId());
			throw new InvalidRefreshTokenException();
		}
		if (!row.expiresAt().isAfter(now)) {
			throw new InvalidRefreshTokenException();
		}
		requireIssuingBudget(row.userId(), now);
		this.jdbc.sql("UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ?").params(now, hash).update();
		return issue(row.userId(), row.role(), row.familyId());
	}

	/** Ends the session the token belongs to, if it belongs to this user. */
	@Transactional
	public void logout(UUID userId, String refreshToken) {
		lockUser(userId, "FOR NO KEY UPDATE");
		this.jdbc
			.sql("UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND family_id = "
					+ "(SELECT family_id FROM refresh_tokens WHERE token_hash = ? AND user_id = ?)")
			.params(now(), hash(refreshToken), userId)
			.update();
	}

	/**
	 * Revokes every session of the user except one.
	 * @param userId the user
	 * @param keepSessionId the family to keep (the caller's {@code sid}), or {@code null}
	 */
	@Transactional
	public void revokeAllExcept(UUID userId, String keepSessionId) {
		lockUser(userId, "FOR NO KEY UPDATE");
		UUID keep = parse(keepSessionId);
		if (keep == null) {
			this.jdbc.sql("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
				.params(now(), userId)
				.update();
			return;
		}
		this.jdbc
			.sql("UPDATE refresh_tokens SET revoked_at = ? "
					+ "WHERE user_id = ? AND revoked_at IS NULL AND family_id <> ?")
			.params(now(), userId, keep)
			.update();
	}

	/**
	 * Deletes tokens that expired over a day ago; they can no longer be used or reused.
	 */
	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
	public void pruneExpired() {
		int deleted = this.jdbc.sql("DELETE FROM refresh_tokens WHERE expires_at < ?")
			.param(now().minusDays(1))
			.update();
		if (deleted > 0) {
			log.debug("Pruned {} expired refresh tokens", deleted);
		}
	}

	private TokenResponse issue(UUID userId, UserRole role, UUID familyId) {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		String refreshToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		OffsetDateTime now = now();
		this.jdbc
			.sql("INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) "
					+ "VALUES (?, ?, ?, ?, ?)")
			.params(hash(refreshToken), familyId, userId, now, now.plus(this.ttl))
			.update();
		String accessToken = this.accessTokens.issue(userId, role, familyId);
		return new TokenResponse(accessToken, refreshToken, BEARER, this.accessTokens.ttl().toSeconds());
	}

	/**
	 * Refuses a refresh (429, the token left unspent) once the user was issued the hour's
	 * budget of tokens. Counted under the user's lock, so concurrent refreshes cannot
	 * both take the last one. Logins count but are never refused, so the count may exceed
	 * the budget: the retry waits until enough of them have left the hour.
	 */
	private void requireIssuingBudget(UUID userId, OffsetDateTime now) {
		OffsetDateTime hourAgo = now.minusHours(1);
		long issued = this.jdbc.sql("SELECT count(*) FROM refresh_tokens WHERE user_id = ? AND issued_at > ?")
			.params(userId, hourAgo)
			.query(Long.class)
			.single();
		if (issued < this.maxIssuedPerHour) {
			return;
		}
		OffsetDateTime freedBy = this.jdbc
			.sql("SELECT issued_at FROM refresh_tokens WHERE user_id = ? AND issued_at > ? "
					+ "ORDER BY issued_at OFFSET ? LIMIT 1")
			.params(userId, hourAgo, issued - this.maxIssuedPerHour)
			.query(OffsetDateTime.class)
			.single();
		if (this.throttleWarnings.acquirePermission()) {
			log.warn("Refresh refused for user {}: {} tokens issued within the hour (later refusals at debug)", userId,
					issued);
		}
		else {
			log.debug("Refresh refused for user {}: {} tokens issued within the hour", userId, issued);
		}
		throw new RefreshThrottledException(Duration.between(hourAgo, freedBy));
	}

	private void lockUser(UUID userId, String mode) {
		this.jdbc.sql("SELECT id FROM users WHERE id = ? " + mode).param(userId).query(UUID.class).optional();
	}

	private int revokeFamily(UUID familyId, OffsetDateTime now) {
		return this.jdbc.sql("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")
			.params(now, familyId)
			.update();
	}

	private OffsetDateTime now() {
		return OffsetDateTime.now(this.clock).withOffsetSameInstant(ZoneOffset.UTC);
	}

	static String hash(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static UUID parse(String sessionId) {
		try {
			return (sessionId != null) ? UUID.fromString(sessionId) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private record Row(UUID familyId, UUID userId, OffsetDateTime expiresAt, OffsetDateTime spentAt,
			OffsetDateTime revokedAt, UserRole role) {
	}

}
