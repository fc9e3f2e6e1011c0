package com.moa.platform.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of platform/events ({@code moa.events.*}).
 *
 * @param source the envelope {@code source}; defaults to {@code spring.application.name}
 * @param relay the outbox relay
 * @param consumer listener retries
 * @param service the {@code <service>} prefix of this service's queues; defaults to
 * {@code spring.application.name} without {@code -service}
 * @param inbox the consumers' inbox
 * @param metricsInterval how often dead-letter depth and outbox lag are read
 */
@ConfigurationProperties("moa.events")
record EventsProperties(String source, String service, @DefaultValue Relay relay, @DefaultValue Consumer consumer,
		@DefaultValue Inbox inbox, @DefaultValue("10s") Duration metricsInterval) {

	/**
	 * @param enabled whether the relay runs in this process
	 * @param interval pause between two relay rounds
	 * @param batchSize rows published per round at most
	 * @param confirmTimeout how long to wait for the broker's publisher confirm
	 * @param retention how long published rows are kept before the relay deletes them
	 */
	record Relay(@DefaultValue("true") boolean enabled, @DefaultValue("200ms") Duration interval,
			@DefaultValue("100") int batchSize, @DefaultValue("5s") Duration confirmTimeout,
			@DefaultValue("7d") Duration retention) {
	}

	/**
	 * @param maxAttempts deliveries tried in-process before the message is dead-lettered
	 * @param initialBackoff pause before the second attempt
	 * @param multiplier growth of the pause per attempt
	 * @param maxBackoff longest pause
	 */
	record Consumer(@DefaultValue("3") int maxAttempts, @DefaultValue("200ms") Duration initialBackoff,
			@DefaultValue("2") double multiplier, @DefaultValue("2s") Duration maxBackoff) {
	}

	/**
	 * @param retention how long a consumed event's inbox row is kept (at least an hour)
	 * @param pruneInterval how often older rows are deleted
	 */
	record Inbox(@DefaultValue("7d") Duration retention, @DefaultValue("1h") Duration pruneInterval) {
	}

}
