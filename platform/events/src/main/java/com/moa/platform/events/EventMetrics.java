package com.moa.platform.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * What an operator alerts on: {@code moa.events.dead.letters{queue}} (messages waiting in
 * each of this service's dead-letter queues) and, where the service publishes,
 * {@code moa.events.outbox.pending} and {@code moa.events.outbox.lag} (seconds the oldest
 * unpublished event has waited). Refreshed in the background, so a scrape never waits on
 * the broker or the database; a value that cannot be read is NaN.
 */
class EventMetrics implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(EventMetrics.class);

	private final DeadLetters deadLetters;

	private final OutboxBacklog outbox;

	private final Duration refreshInterval;

	private final List<Depth> depths;

	private final AtomicReference<Double> pending = new AtomicReference<>(Double.NaN);

	private final AtomicReference<Double> lag = new AtomicReference<>(Double.NaN);

	private ScheduledExecutorService scheduler;

	EventMetrics(MeterRegistry registry, DeadLetters deadLetters, OutboxBacklog outbox, Duration refreshInterval) {
		this.deadLetters = deadLetters;
		this.outbox = outbox;
		this.refreshInterval = refreshInterval;
		this.depths = deadLetters.queues().stream().map(Depth::new).toList();
		for (Depth depth : this.depths) {
			Gauge.builder("moa.events.dead.letters", depth.value, AtomicReference::get)
				.tag("queue", depth.queue)
				.description("Messages waiting in a dead-letter queue of this service")
				.register(registry);
		}
		if (outbox != null) {
			Gauge.builder("moa.events.outbox.pending", this.pending, AtomicReference::get)
				.description("Events written to the outbox and not yet confirmed by the broker")
				.register(registry);
			Gauge.builder("moa.events.outbox.lag", this.lag, AtomicReference::get)
				.baseUnit("seconds")
				.description("How long the oldest unpublished outbox event has waited; 0 when none waits")
				.register(registry);
		}
	}

	void refresh() {
		for (Depth depth : this.depths) {
			long count = this.deadLetters.depth(depth.queue);
			depth.value.set((count >= 0) ? count : Double.NaN);
		}
		if (this.outbox != null) {
			try {
				double[] backlog = this.outbox.read();
				this.pending.set(backlog[0]);
				this.lag.set(backlog[1]);
			}
			catch (RuntimeException ex) {
				this.pending.set(Double.NaN);
				this.lag.set(Double.NaN);
				logger.debug("Outbox metrics not readable: {}", ex.getMessage());
			}
		}
	}

	private void refreshSafely() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.debug("Event metrics refresh failed: {}", ex.getMessage());
		}
	}

	@Override
	public synchronized void start() {
		if (this.scheduler == null) {
			this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "event-metrics");
				thread.setDaemon(true);
				return thread;
			});
			this.scheduler.scheduleWithFixedDelay(this::refreshSafely, 0, this.refreshInterval.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

	private static final class Depth {

		final String queue;

		final AtomicReference<Double> value = new AtomicReference<>(Double.NaN);

		Depth(String queue) {
			this.queue = queue;
		}

	}

}
