package com.moa.search.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventTopology;
import com.moa.platform.events.EventsAutoConfiguration;
import com.moa.platform.events.InvalidEventException;
import com.moa.platform.web.Keywords;
import com.moa.search.SearchProperties;
import com.moa.search.history.SearchHistory;
import com.moa.search.history.SearchSettings;
import com.moa.search.popular.PopularKeywords;
import com.moa.search.product.ProductTitles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code search.performed} → the user's history and the popularity counters (privacy
 * first: a user who turned recording off is neither remembered nor counted);
 * {@code product.*} → titles for suggestions. Each event is processed once per queue
 * ({@link MongoInbox}). A search {@code moa.search.retention} or more old (a dead letter
 * replayed late) is dropped: the deletion marks that keep a deleted keyword out of
 * history are pruned by then, and its hour is outside every popular window.
 */
@Configuration(proxyBeanMethods = false)
class SearchEventListeners {

	static final String SEARCHES = "search.search-events";

	static final String PRODUCTS = "search.product-events";

	private static final Logger log = LoggerFactory.getLogger(SearchEventListeners.class);

	private final MongoInbox inbox;

	private final SearchHistory history;

	private final SearchSettings settings;

	private final PopularKeywords popular;

	private final ProductTitles titles;

	private final Clock clock;

	private final Duration retention;

	SearchEventListeners(MongoInbox inbox, SearchHistory history, SearchSettings settings, PopularKeywords popular,
			ProductTitles titles, Clock clock, SearchProperties properties) {
		this.inbox = inbox;
		this.history = history;
		this.settings = settings;
		this.popular = popular;
		this.titles = titles;
		this.clock = clock;
		this.retention = properties.retention();
	}

	@Bean
	Declarables searchEventsQueue() {
		return EventTopology.consumerQueue(SEARCHES, "search.performed");
	}

	@Bean
	Declarables searchProductEventsQueue() {
		return EventTopology.consumerQueue(PRODUCTS, "product.upserted", "product.removed");
	}

	@RabbitListener(queues = SEARCHES, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onSearch(EventEnvelope event) {
		this.inbox.receive(SEARCHES, event, (received) -> {
			JsonNode data = received.data();
			UUID userId = uuid(data, "userId");
			String keyword = Keywords.normalize(text(data, "keyword"));
			if (!Keywords.isValid(keyword)) {
				throw new InvalidEventException("keyword must be 1 to 100 characters after normalization");
			}
			Instant searchedAt = searchedAt(data);
			Duration age = Duration.between(searchedAt, this.clock.instant());
			if (age.compareTo(this.retention) >= 0) {
				log.warn(
						"Dropped search.performed {} made {} ago ({}): history can no longer tell whether "
								+ "the user deleted it since (deletion marks are kept for moa.search.retention, {})",
						received.id(), age, searchedAt, this.retention);
				return;
			}
			if (!this.settings.recording(userId, searchedAt)) {
				return;
			}
			this.history.record(userId, keyword, searchedAt);
			this.popular.count(keyword, userId, searchedAt);
		});
	}

	/** When the search happened; a clock ahead of ours is not trusted beyond now. */
	private Instant searchedAt(JsonNode data) {
		Instant now = this.clock.instant();
		try {
			Instant time = Instant.parse(text(data, "time"));
			return time.isAfter(now) ? now : time;
		}
		catch (java.time.format.DateTimeParseException ex) {
			throw new InvalidEventException("time is not an ISO-8601 instant");
		}
	}

	@RabbitListener(queues = PRODUCTS, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onProduct(EventEnvelope event) {
		this.inbox.receive(PRODUCTS, event, (received) -> {
			JsonNode data = received.data();
			UUID productId = uuid(data, "productId");
			long version = data.path("version").asLong(0);
			if (received.type().equals("product.removed")) {
				this.titles.remove(productId, version);
			}
			else {
				this.titles.store(productId, text(data, "title"), "PUBLISHED".equals(data.path("status").asString("")),
						version);
			}
		});
	}

	private static UUID uuid(JsonNode node, String field) {
		try {
			return UUID.fromString(text(node, field));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventException(field + " is not a UUID");
		}
	}

	private static String text(JsonNode node, String field) {
		String value = node.path(field).asString(null);
		if (value == null) {
			throw new InvalidEventException("event data misses '" + field + "'");
		}
		return value;
	}

}
