package com.moa.lookup.view;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Views counted while the main Redis is unreachable, held in memory until
 * {@link ViewCounter} can add them ({@link ViewMarkers} has already decided which views
 * count). Views held here are lost if this instance stops before Redis returns; the gauge
 * {@code lookup.views.held} shows how many there are.
 *
 * <p>
 * Held views go to Redis in batches with an id, at most one per product at a time, and a
 * batch is held until Redis confirms it: an addition whose reply is lost (a timeout, a
 * dropped connection) is sent again with the same id, which Redis recognises, so it is
 * neither lost nor added twice. Views of a product with a batch in flight wait for it, so
 * what is held stays one counter and one batch per product however long the outage.
 */
@Component
class OfflineViews {

	record Batch(String id, UUID productId, long views) {
	}

	private final ConcurrentMap<UUID, AtomicLong> pending = new ConcurrentHashMap<>();

	/** Batches sent or about to be sent, by product, until Redis confirms them. */
	private final Map<UUID, Batch> unconfirmed = new LinkedHashMap<>();

	OfflineViews(MeterRegistry meters) {
		Gauge.builder("lookup.views.held", this, OfflineViews::held)
			.description("Views counted while Redis was unreachable, not yet added to it")
			.register(meters);
	}

	void add(UUID productId) {
		this.pending.computeIfAbsent(productId, (id) -> new AtomicLong()).incrementAndGet();
	}

	/**
	 * The batches to add now: those not confirmed yet, and for each other product the
	 * views held since the last call as a new one.
	 */
	synchronized List<Batch> batches() {
		// Entries stay (one per product viewed during an outage) so no increment can land
		// on a counter that was just taken out of the map.
		this.pending.forEach((productId, views) -> {
			if (!this.unconfirmed.containsKey(productId)) {
				long taken = views.getAndSet(0);
				if (taken > 0) {
					this.unconfirmed.put(productId, new Batch(UUID.randomUUID().toString(), productId, taken));
				}
			}
		});
		return List.copyOf(this.unconfirmed.values());
	}

	/** Redis has added the batch (now, or when it was sent before). */
	synchronized void confirm(Batch batch) {
		this.unconfirmed.remove(batch.productId(), batch);
	}

	synchronized long held() {
		long held = 0;
		for (AtomicLong views : this.pending.values()) {
			held += views.get();
		}
		for (Batch batch : this.unconfirmed.values()) {
			held += batch.views();
		}
		return held;
	}

}
