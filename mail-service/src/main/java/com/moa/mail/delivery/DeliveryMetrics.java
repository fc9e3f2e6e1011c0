package com.moa.mail.delivery;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The delivery log's backlog as gauges: {@code moa.mail.deliveries{status=pending}}
 * (queued or being sent), {@code {status=waiting}} (the part of it waiting for a late
 * projection), {@code {status=failed}} and {@code moa.mail.projection.wait} (how long the
 * mail waiting longest has waited). They count the shared log, so every instance reports
 * the same value (dashboards take the max, not the sum). Counted on a schedule rather
 * than per scrape, and kept at the last value while the database is away. Per-instance
 * counters {@code moa.mail.sent} and {@code moa.mail.failed} and the timer
 * {@code moa.mail.send.latency} come from {@link DeliveryWorker}.
 */
@Component
class DeliveryMetrics {

	private static final Logger log = LoggerFactory.getLogger(DeliveryMetrics.class);

	private final Deliveries deliveries;

	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong waiting = new AtomicLong();

	private final AtomicReference<Double> longestWait = new AtomicReference<>(0.0);

	DeliveryMetrics(Deliveries deliveries, MeterRegistry meters) {
		this.deliveries = deliveries;
		Gauge.builder("moa.mail.deliveries", this.pending, AtomicLong::get)
			.tag("status", "pending")
			.description("Mail queued or being sent, all instances")
			.register(meters);
		Gauge.builder("moa.mail.deliveries", this.failed, AtomicLong::get)
			.tag("status", "failed")
			.description("Mail given up on (5xx reply, too many attempts, too long a projection wait), all instances")
			.register(meters);
		Gauge.builder("moa.mail.deliveries", this.waiting, AtomicLong::get)
			.tag("status", "waiting")
			.description("Mail queued that waits for a late user.*, product.* or payment.failed event, all instances")
			.register(meters);
		Gauge.builder("moa.mail.projection.wait", this.longestWait, AtomicReference::get)
			.baseUnit("seconds")
			.description("How long the mail waiting longest for a late projection has waited (0: none)")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${moa.mail.metrics-interval:10s}")
	void refresh() {
		try {
			Deliveries.Backlog backlog = this.deliveries.backlog();
			this.pending.set(backlog.pending());
			this.waiting.set(backlog.waiting());
			this.longestWait.set(backlog.longestWait());
			this.failed.set(this.deliveries.countFailed());
		}
		catch (DataAccessException ex) {
			log.debug("Delivery counts not refreshed: {}", ex.getMessage());
		}
	}

}
