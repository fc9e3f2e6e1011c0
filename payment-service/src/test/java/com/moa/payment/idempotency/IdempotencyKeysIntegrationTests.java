package com.moa.payment.idempotency;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.payment.PaymentProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyKeysIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	PaymentProperties properties;

	@Test
	void aKeyReleasedBetweenTheInsertAndTheReadIsClaimedForRealNotAssumed() {
		UUID userId = UUID.randomUUID();
		String key = "released-" + UUID.randomUUID();
		UUID first = UUID.randomUUID();
		AtomicBoolean releasedOnce = new AtomicBoolean();
		// The first request with the key gives it back (provider unavailable) between
		// this
		// request's conflicting insert and its read of the entry.
		IdempotencyKeys keys = new IdempotencyKeys(this.jdbc, this.properties) {

			@Override
			public Optional<Entry> find(UUID user, String k) {
				if (releasedOnce.compareAndSet(false, true)) {
					release(user, k, first);
				}
				return super.find(user, k);
			}

		};
		assertThat(keys.claim(userId, key, "a".repeat(64), first)).isEmpty();

		Optional<IdempotencyKeys.Entry> second = keys.claim(userId, key, "b".repeat(64), UUID.randomUUID());

		assertThat(second).as("owns the key").isEmpty();
		assertThat(this.jdbc.sql("SELECT request_hash FROM idempotency_keys WHERE user_id = ? AND key = ?")
			.params(userId, key)
			.query(String.class)
			.optional()).as("the owner's row, so a third request waits for it").contains("b".repeat(64));
	}

	/**
	 * A request so slow that its claim was declared abandoned and taken over releases,
	 * attaches or completes only its own claim, never the request that holds the key now.
	 */
	@Test
	void aClaimTakenOverIsNeitherReleasedNorAttachedNorCompletedByItsFormerOwner() {
		IdempotencyKeys keys = new IdempotencyKeys(this.jdbc, this.properties);
		UUID userId = UUID.randomUUID();
		String key = "taken-over-" + UUID.randomUUID();
		String hash = "c".repeat(64);
		UUID slow = UUID.randomUUID();
		assertThat(keys.claim(userId, key, hash, slow)).isEmpty();
		this.jdbc
			.sql("UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE user_id = ? AND key = ?")
			.params(userId, key)
			.update();
		IdempotencyKeys.Entry abandoned = keys.find(userId, key).orElseThrow();
		assertThat(abandoned.abandoned()).isTrue();
		keys.releaseUnattached(userId, key, abandoned.claimId());
		UUID next = UUID.randomUUID();
		assertThat(keys.claim(userId, key, hash, next)).as("the next request owns the key").isEmpty();

		// The slow request wakes up: a 503, a failure, a purchase to record, an answer.
		keys.release(userId, key, slow);
		keys.releaseUnattached(userId, key, slow);
		keys.releaseUnattached(userId, key, abandoned.claimId());
		assertThat(keys.attach(userId, key, slow, UUID.randomUUID())).isFalse();
		keys.complete(userId, key, slow, new StoredResponse(201, "{}"));

		IdempotencyKeys.Entry held = keys.find(userId, key).orElseThrow();
		assertThat(held.claimId()).isEqualTo(next);
		assertThat(held.done()).isFalse();
		assertThat(held.subscriptionId()).isNull();
		UUID purchase = UUID.randomUUID();
		assertThat(keys.attach(userId, key, next, purchase)).isTrue();
		assertThat(keys.find(userId, key).orElseThrow().subscriptionId()).isEqualTo(purchase);
	}

}
