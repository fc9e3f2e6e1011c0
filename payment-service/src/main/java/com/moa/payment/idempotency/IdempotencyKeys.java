package com.moa.payment.idempotency;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.moa.payment.PaymentProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * {@code Idempotency-Key}s of purchases, per user, with the response to replay. The
 * primary key decides between concurrent first uses of a key: exactly one request inserts
 * the row and does the work; the others find it. Keys are kept for
 * {@code moa.payment.idempotency.retention} (≥ 24 h, real time) and then pruned.
 */
@Repository
public class IdempotencyKeys {

	private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

	/** A request holding its key this long without a purchase recorded has died. */
	private static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

	private final JdbcClient jdbc;

	private final Duration retention;

	IdempotencyKeys(JdbcClient jdbc, PaymentProperties properties) {
		this.jdbc = jdbc;
		this.retention = properties.idempotency().retention();
	}

	/**
	 * Takes the key for this request, or tells what became of it.
	 * @param claimId this request's claim, new for each attempt: releases name it
	 * @return empty when this request now owns the key, else the existing entry
	 */
	public Optional<Entry> claim(UUID userId, String key, String requestHash, UUID claimId) {
		while (true) {
			int inserted = this.jdbc.sql("""
					INSERT INTO idempotency_keys (user_id, key, request_hash, state, claim_id)
					VALUES (?, ?, ?, 'IN_PROGRESS', ?)
					ON CONFLICT (user_id, key) DO NOTHING""").params(userId, key, requestHash, claimId).update();
			if (inserted == 1) {
				return Optional.empty();
			}
			Optional<Entry> existing = find(userId, key);
			if (existing.isPresent()) {
				return existing;
			}
			// Released or pruned between the two statements: not ours until inserted.
		}
	}

	public Optional<Entry> find(UUID userId, String key) {
		return this.jdbc.sql("""
				SELECT request_hash, state, response_status, response_body, subscription_id, claim_id,
				       created_at < now() - make_interval(secs => ?) AS abandoned
				FROM idempotency_keys WHERE user_id = ? AND key = ?""")
			.params(ABANDONED_AFTER.toSeconds(), userId, key)
			.query((rs, n) -> new Entry(rs.getString("request_hash"), "DONE".equals(rs.getString("state")),
					new StoredResponse(rs.getInt("response_status"), rs.getString("response_body")),
					rs.getObject("subscription_id", UUID.class), rs.getObject("claim_id", UUID.class),
					rs.getBoolean("abandoned")))
			.optional();
	}

	/**
	 * Remembers which subscription the key's purchase created (for the reconciler), on
	 * this claim only: a request whose claim was declared abandoned and taken over marks
	 * nothing.
	 * @return whether the claim still holds the key
	 */
	public boolean attach(UUID userId, String key, UUID claimId, UUID subscriptionId) {
		return this.jdbc
			.sql("UPDATE idempotency_keys SET subscription_id = ? WHERE user_id = ? AND key = ? AND claim_id = ?")
			.params(subscriptionId, userId, key, claimId)
			.update() == 1;
	}

	/** Stores the answer of this claim's request (not of a claim that took it over). */
	public void complete(UUID userId, String key, UUID claimId, StoredResponse response) {
		this.jdbc.sql("""
				UPDATE idempotency_keys SET state = 'DONE', response_status = ?, response_body = ?
				WHERE user_id = ? AND key = ? AND claim_id = ?""")
			.params(response.status(), response.body(), userId, key, claimId)
			.update();
	}

	/** Completes the key whose purchase created this subscription (after a crash). */
	public void completeFor(UUID subscriptionId, StoredResponse response) {
		this.jdbc.sql("""
				UPDATE idempotency_keys SET state = 'DONE', response_status = ?, response_body = ?
				WHERE subscription_id = ? AND state = 'IN_PROGRESS'""")
			.params(response.status(), response.body(), subscriptionId)
			.update();
	}

	/**
	 * Gives the key back: the request may be retried with it (provider unavailable). Only
	 * this claim: if it was declared abandoned meanwhile and claimed again, the new claim
	 * stays.
	 */
	public void release(UUID userId, String key, UUID claimId) {
		this.jdbc.sql(
				"DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND claim_id = ? AND state = 'IN_PROGRESS'")
			.params(userId, key, claimId)
			.update();
	}

	/**
	 * Gives the key back if its request recorded no purchase (it failed before, or died):
	 * nothing was charged under it. A key with a purchase is completed by whoever settles
	 * its charge. Only this claim, as {@link #release}.
	 */
	public void releaseUnattached(UUID userId, String key, UUID claimId) {
		this.jdbc.sql("""
				DELETE FROM idempotency_keys
				WHERE user_id = ? AND key = ? AND claim_id = ? AND state = 'IN_PROGRESS' AND subscription_id IS NULL""")
			.params(userId, key, claimId)
			.update();
	}

	public void releaseFor(UUID subscriptionId) {
		this.jdbc.sql("DELETE FROM idempotency_keys WHERE subscription_id = ? AND state = 'IN_PROGRESS'")
			.param(subscriptionId)
			.update();
	}

	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
	void prune() {
		int deleted = this.jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => ?)")
			.param(this.retention.toSeconds())
			.update();
		if (deleted > 0) {
			log.debug("Pruned {} idempotency keys", deleted);
		}
	}

	/**
	 * A key's state.
	 *
	 * @param requestHash what the first request sent
	 * @param done whether its response is stored
	 * @param response the stored response, when done
	 * @param subscriptionId the purchase its request recorded (null before that)
	 * @param claimId the claim holding the key
	 * @param abandoned in progress for longer than any request runs: its request died
	 */
	public record Entry(String requestHash, boolean done, StoredResponse response, UUID subscriptionId, UUID claimId,
			boolean abandoned) {
	}

}
