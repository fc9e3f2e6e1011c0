package com.moa.lookup.search;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.moa.platform.events.EventPublisher;
import com.moa.platform.web.Keywords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes {@code search.performed} for searches by signed-in users, off the request
 * thread: the outbox write happens on one background thread, so browsing never waits for
 * it. The queue is bounded; when it is full (PostgreSQL stalled) a search is not recorded
 * and {@code lookup.search.events.dropped} counts it, because search analytics must never
 * slow down or fail a browse.
 */
@Component
public class SearchEvents {

	/** API.md: keywords are 1..100 characters after normalization. */
	public static final int MAX_KEYWORD_LENGTH = Keywords.MAX_LENGTH;

	private static final Logger log = LoggerFactory.getLogger(SearchEvents.class);

	private final EventPublisher events;

	private final TransactionTemplate transaction;

	private final ThreadPoolExecutor executor;

	private final Tracer tracer;

	private final Counter dropped;

	SearchEvents(EventPublisher events, TransactionTemplate transaction, MeterRegistry meters,
			ObjectProvider<Tracer> tracer) {
		this.events = events;
		this.transaction = transaction;
		this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
		this.dropped = Counter.builder("lookup.search.events.dropped")
			.description("search.performed events not recorded because the queue was full")
			.register(meters);
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
				(task) -> {
					Thread thread = new Thread(task, "search-events");
					thread.setDaemon(true);
					return thread;
				}, (task, executor) -> this.dropped.increment());
	}

	/**
	 * Records that the user searched for {@code query} and found {@code resultCount}
	 * products; returns at once.
	 */
	public void performed(UUID userId, String query, long resultCount) {
		String keyword = normalize(query);
		if (keyword.isEmpty() || keyword.length() > MAX_KEYWORD_LENGTH) {
			return;
		}
		Map<String, Object> data = Map.of("userId", userId, "keyword", keyword, "resultCount", resultCount, "time",
				Instant.now());
		// The request's trace goes with the event (the outbox's traceparent, read from
		// the
		// current span) and its ids with the log lines, as on the request thread.
		Span span = this.tracer.currentSpan();
		Map<String, String> mdc = MDC.getCopyOfContextMap();
		this.executor.execute(() -> {
			if (mdc != null) {
				MDC.setContextMap(mdc);
			}
			try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
				this.transaction
					.executeWithoutResult((status) -> this.events.publish("search.performed", userId.toString(), data));
			}
			catch (RuntimeException ex) {
				log.warn("search.performed not recorded: {}", ex.getMessage());
			}
			finally {
				MDC.clear();
			}
		});
	}

	/**
	 * A search as a keyword (API.md; {@link Keywords}): trimmed, whitespace collapsed,
	 * case-folded and in Unicode NFC, so Hangul typed as separate jamo (NFD) is the same
	 * keyword, cache key and search as precomposed Hangul. {@link #MAX_KEYWORD_LENGTH}
	 * applies to this form.
	 */
	public static String normalize(String query) {
		return Keywords.normalize(query);
	}

	@PreDestroy
	void drain() throws InterruptedException {
		this.executor.shutdown();
		this.executor.awaitTermination(5, TimeUnit.SECONDS);
	}

}
