package com.moa.platform.events;

import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Republishes the current state of every aggregate a service owns, for projections that
 * start late or lost their data (docs/operations.md, "Backfilling a projection"): reads
 * the aggregates in id order, a batch at a time, and writes each one's event to the
 * outbox in that batch's own transaction, so a large table never holds one long
 * transaction and an interrupted backfill can simply be run again.
 */
public final class Backfill {

	/** The nil UUID, which PostgreSQL sorts before every other (bytewise order). */
	private static final UUID FIRST = new UUID(0, 0);

	private Backfill() {
	}

	/**
	 * @param transaction the service's transactions
	 * @param batchAfter up to {@code size} aggregates with ids after the given one, in
	 * the database's id order
	 * @param size the batch size
	 * @param id an aggregate's id
	 * @param publish writes one aggregate's event (in the batch's transaction)
	 * @return how many aggregates were republished
	 */
	public static <T> int republishAll(TransactionTemplate transaction, BiFunction<UUID, Integer, List<T>> batchAfter,
			int size, Function<T, UUID> id, Consumer<T> publish) {
		int published = 0;
		UUID after = FIRST;
		while (true) {
			UUID from = after;
			List<T> batch = transaction.execute((status) -> {
				List<T> page = batchAfter.apply(from, size);
				page.forEach(publish);
				return page;
			});
			if (batch == null || batch.isEmpty()) {
				return published;
			}
			published += batch.size();
			after = id.apply(batch.get(batch.size() - 1));
		}
	}

}
