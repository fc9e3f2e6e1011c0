package com.moa.platform.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backfill pages through every aggregate exactly once, one transaction per batch,
 * across batch boundaries (ids ordered as PostgreSQL orders UUIDs: bytewise, which is the
 * order of their hex strings).
 */
class BackfillTests {

	@Test
	void republishesEveryAggregateOnceInBatches() {
		List<UUID> ids = new ArrayList<>(IntStream.range(0, 1234).mapToObj((i) -> UUID.randomUUID()).toList());
		ids.add(new UUID(0, 1));
		ids.add(UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"));
		ids.sort(Comparator.comparing(UUID::toString));
		AtomicInteger transactions = new AtomicInteger();
		TransactionTemplate transaction = new TransactionTemplate() {
			@Override
			public <T> T execute(TransactionCallback<T> action) {
				transactions.incrementAndGet();
				TransactionStatus status = new SimpleTransactionStatus();
				return action.doInTransaction(status);
			}
		};
		List<UUID> published = new ArrayList<>();

		int count = Backfill.republishAll(transaction,
				(after, size) -> ids.stream()
					.filter((id) -> id.toString().compareTo(after.toString()) > 0)
					.limit(size)
					.toList(),
				100, (UUID id) -> id, published::add);

		assertThat(count).isEqualTo(ids.size());
		assertThat(published).containsExactlyElementsOf(ids);
		assertThat(transactions.get()).isEqualTo(13 + 1);
	}

}
