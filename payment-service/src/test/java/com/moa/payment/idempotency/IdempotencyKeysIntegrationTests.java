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
		AtomicBoolean releasedOnce = new AtomicBoolean();
		// The first request with the key gives it back (provider unavailable) between
		// this
		// request's conflicting insert and its read of the entry.
		IdempotencyKeys keys = new IdempotencyKeys(this.jdbc, this.properties) {

			@Override
			public Optional<Entry> find(UUID user, String k) {
				if (releasedOnce.compareAndSet(false, true)) {
					release(user, k);
				}
				return super.find(user, k);
			}

		};
		assertThat(keys.claim(userId, key, "a".repeat(64))).isEmpty();

		Optional<IdempotencyKeys.Entry> second = keys.claim(userId, key, "b".repeat(64));

		assertThat(second).as("owns the key").isEmpty();
		assertThat(this.jdbc.sql("SELECT request_hash FROM idempotency_keys WHERE user_id = ? AND key = ?")
			.params(userId, key)
			.query(String.class)
			.optional()).as("the owner's row, so a third request waits for it").contains("b".repeat(64));
	}

}
