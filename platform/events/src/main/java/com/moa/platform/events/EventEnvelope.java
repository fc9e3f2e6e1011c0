package com.moa.platform.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * One event as it travels on {@code moa.events}: CloudEvents 1.0 attribute names plus
 * {@code dataversion}, with the payload as a JSON tree (EVENTS.md).
 *
 * @param id unique per event; what consumers deduplicate on
 * @param source the producing service, e.g. {@code seller-service}
 * @param type the event type and routing key, e.g. {@code product.upserted}
 * @param time when the event happened
 * @param subject the aggregate id the event is about
 * @param dataversion the version of the {@code data} schema for this type
 * @param data the payload
 */
public record EventEnvelope(UUID id, String source, String type, Instant time, String subject, int dataversion,
		JsonNode data) {

	public EventEnvelope {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(time, "time");
		Objects.requireNonNull(data, "data");
	}

}
