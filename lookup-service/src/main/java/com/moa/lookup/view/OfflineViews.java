package com.moa.lookup.view;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * Views counted while the main Redis is unreachable, held in memory until
 * {@link ViewCounter} can add them ({@link ViewMarkers} has already decided which views
 * count). Views held here are lost if this instance stops before Redis returns.
 */
@Component
class OfflineViews {

	private final ConcurrentMap<UUID, AtomicLong> pending = new ConcurrentHashMap<>();

	void add(UUID productId) {
		this.pending.computeIfAbsent(productId, (id) -> new AtomicLong()).incrementAndGet();
	}

	/** Takes every held view; the caller restores what it could not add. */
	Map<UUID, Long> drain() {
		Map<UUID, Long> drained = new HashMap<>();
		// Entries stay (one per product viewed during an outage) so no increment can land
		// on a counter that was just taken out of the map.
		this.pending.forEach((productId, views) -> {
			long taken = views.getAndSet(0);
			if (taken > 0) {
				drained.put(productId, taken);
			}
		});
		return drained;
	}

	void restore(UUID productId, long views) {
		this.pending.computeIfAbsent(productId, (id) -> new AtomicLong()).addAndGet(views);
	}

}
