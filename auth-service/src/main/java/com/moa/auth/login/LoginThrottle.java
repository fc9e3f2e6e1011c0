package com.moa.auth.login;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import com.moa.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins per account and per client IP over a sliding window in
 * {@code login_failures}; a success clears the account's count (not the IP's).
 */
@Component
class LoginThrottle {

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	private final JdbcClient jdbc;

	private final AuthProperties.Throttle settings;

	private final Clock clock;

	LoginThrottle(JdbcClient jdbc, AuthProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.settings = properties.throttle();
		this.clock = clock;
	}

	/** Throws when the account or the IP reached its limit within the window. */
	void check(String email, String clientIp) {
		OffsetDateTime now = now();
		OffsetDateTime since = now.minus(this.settings.window());
		Optional<OffsetDateTime> accountBlocked = limitReachedAt("email = ? AND counts_for_account", email, since,
				this.settings.maxAccountFailures());
		Optional<OffsetDateTime> ipBlocked = limitReachedAt("client_ip = ?", clientIp, since,
				this.settings.maxIpFailures());
		Optional<OffsetDateTime> until = accountBlocked.map(this::unblockedAt);
		if (ipBlocked.isPresent()) {
			OffsetDateTime ipUntil = unblockedAt(ipBlocked.get());
			until = Optional.of(until.filter((account) -> account.isAfter(ipUntil)).orElse(ipUntil));
		}
		if (until.isPresent()) {
			throw new LoginThrottledException(Duration.between(now, until.get()));
		}
	}

	void recordFailure(String email, String clientIp) {
		this.jdbc.sql("INSERT INTO login_failures (email, client_ip, failed_at) VALUES (?, ?, ?)")
			.params(email, clientIp, now())
			.update();
	}

	void recordSuccess(String email) {
		this.jdbc.sql("UPDATE login_failures SET counts_for_account = false WHERE email = ? AND counts_for_account")
			.param(email)
			.update();
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
	private Optional<OffsetDateTime> limitReachedAt(String condition, String value, OffsetDateTime since, int limit) {
		return this.jdbc
			.sql("SELECT failed_at FROM login_failures WHERE " + condition
					+ " AND failed_at > ? ORDER BY failed_at DESC OFFSET ? LIMIT 1")
			.params(value, since, limit - 1)
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
