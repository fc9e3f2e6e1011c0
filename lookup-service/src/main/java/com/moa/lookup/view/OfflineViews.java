package com.moa.lookup.view;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import com.moa.lookup.LookupProperties;

import org.springframework.stereotype.Component;

/**
 * Views counted while Redis is unreachable, held in memory until {@link ViewCounter} can
 * add them. The viewers seen meanwhile are remembered up to a bound, so one viewer
 * refreshing a page still counts once; past the bound views are still counted. Views held
 * here are lost if this instance stops before Redis returns.
 */
@Component
class OfflineViews {

	private final ConcurrentMap<UUID, AtomicLong> pending = new ConcurrentHashMap<>();

	private final Set<String> viewers = ConcurrentHashMap.newKeySet();

	private final int maxViewers;

	OfflineViews(LookupProperties properties) {
		this.maxViewers = properties.views().offlineViewers();
	}

	void count(UUID productId, String viewer) {
		String key = productId + ":" + viewer;
		if (this.viewers.size() < this.maxViewers) {
			if (!this.viewers.add(key)) {
				return;
			}
		}
		else if (this.viewers.contains(key)) {
			return;
		}
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
		if (drained.isEmpty()) {
			this.viewers.clear();
		}
		return drained;
	}

	void restore(UUID productId, long views) {
		this.pending.computeIfAbsent(productId, (id) -> new AtomicLong()).addAndGet(views);
	}

}
