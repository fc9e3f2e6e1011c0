package com.moa.auth.throttle;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.moa.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts failed password checks per account and per client IP over a sliding window in
 * {@code login_failures}; a success clears the account's count (not the IP's).
 *
 * <p>
 * The account's limit holds per client network: failures from elsewhere lock the account
 * only for their own network, so whoever knows an email cannot lock its owner out with
 * five wrong passwords. A higher limit over all networks still caps guesses spread over
 * many networks. Logins and password changes ({@code PATCH /api/auth/me} with
 * {@code currentPassword}) go through it alike, so neither is an unthrottled way to guess
 * an account's password.
 *
 * <p>
 * An attempt is counted <em>before</em> its password is checked, atomically: under
 * transaction-scoped advisory locks on the account and the IP, the limits are checked and
 * the attempt is recorded as a failure in one short transaction. Concurrent attempts
 * therefore queue on the lock, and at most the limit of them ever reach the (deliberately
 * slow) password check; a correct password then deletes its own record again.
 */
@Component
public class LoginThrottle {

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final AuthProperties.Throttle settings;

	private final Clock clock;

	LoginThrottle(JdbcClient jdbc, TransactionTemplate transaction, AuthProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.settings = properties.throttle();
		this.clock = clock;
	}

	/**
	 * Records an attempt as a failure unless the account or the IP reached its limit.
	 * @return the attempt's id, for {@link #succeeded}
	 * @throws LoginThrottledException when a limit is reached (nothing recorded)
	 */
	public long reserve(String email, String clientIp) {
		Long id = this.transaction.execute((status) -> {
			// Always the account first, then the IP: no two attempts wait for each other
			// in opposite order.
			lock("login-account:" + email);
			lock("login-ip:" + clientIp);
			check(email, clientIp);
			return this.jdbc
				.sql("INSERT INTO login_failures (email, client_ip, failed_at) VALUES (?, ?, ?) RETURNING id")
				.params(email, clientIp, now())
				.query(Long.class)
				.single();
		});
		return (id != null) ? id : -1;
	}

	/**
	 * The password was right: the attempt was no failure, and the account's earlier
	 * failures no longer count (those of the IP still do).
	 */
	public void succeeded(long attemptId, String email) {
		this.transaction.executeWithoutResult((status) -> {
			// The account's lock first, as in reserve: two successes at once each
			// held their own deleted row, waiting to update the other's (deadlock).
			lock("login-account:" + email);
			this.jdbc.sql("DELETE FROM login_failures WHERE id = ?").param(attemptId).update();
			this.jdbc.sql("UPDATE login_failures SET counts_for_account = false WHERE email = ? AND counts_for_account")
				.param(email)
				.update();
		});
	}

	private void lock(String key) {
		this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))").param(key).query((rs, n) -> 1).list();
	}

	/** Throws when the account or the IP reached its limit within the window. */
	private void check(String email, String clientIp) {
		OffsetDateTime now = now();
		OffsetDateTime since = now.minus(this.settings.window());
		Optional<OffsetDateTime> until = Stream
			.of(limitReachedAt("email = ? AND client_ip = ? AND counts_for_account", List.of(email, clientIp), since,
					this.settings.maxAccountFailures()),
					limitReachedAt("email = ? AND counts_for_account", List.of(email), since,
							this.settings.maxAccountFailuresAllNetworks()),
					limitReachedAt("client_ip = ?", List.of(clientIp), since, this.settings.maxIpFailures()))
			.flatMap(Optional::stream)
			.map(this::unblockedAt)
			.max(Comparator.naturalOrder());
		if (until.isPresent()) {
			throw new LoginThrottledException(Duration.between(now, until.get()));
		}
	}

	@Scheduled(fixedDelayString = "${moa.auth.throttle.prune-interval:PT10M}")
	void pruneExpired() {
		int deleted = this.jdbc.sql("DELETE FROM login_failures WHERE failed_at < ?")
			.param(now().minus(this.settings.window()))
			.update();
		if (deleted > 0) {
			log.debug("Pruned {} expired login failures", deleted);
		}
	}

	/**
	 * The time of the failure that made the count reach {@code limit} (the limit-th most
	 * recent within the window), if it did.
	 */
	private Optional<OffsetDateTime> limitReachedAt(String condition, List<String> values, OffsetDateTime since,
			int limit) {
		List<Object> params = new ArrayList<>(values);
		params.add(since);
		params.add(limit - 1);
		return this.jdbc
			.sql("SELECT failed_at FROM login_failures WHERE " + condition
					+ " AND failed_at > ? ORDER BY failed_at DESC OFFSET ? LIMIT 1")
			.params(params)
			.query((rs, row) -> rs.getObject(1, OffsetDateTime.class))
			.optional();
	}

	private OffsetDateTime unblockedAt(OffsetDateTime limitReachedAt) {
		return limitReachedAt.plus(this.settings.window());
	}

	private OffsetDateTime now() {
		return OffsetDateTime.now(this.clock).withOffsetSameInstant(ZoneOffset.UTC);
	}

}
