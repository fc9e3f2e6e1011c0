package com.moa.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads the JSON body of an {@link EventEnvelope}. The tree is built by hand
 * so the wire format (field names, ISO-8601 {@code time}) never depends on mapper
 * settings.
 */
final class EventJson {

	private final JsonMapper jsonMapper;

	EventJson(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	JsonNode toTree(Object data) {
		return this.jsonMapper.valueToTree(data);
	}

	String write(EventEnvelope event) {
		ObjectNode node = this.jsonMapper.createObjectNode();
		node.put("id", event.id().toString());
		node.put("source", event.source());
		node.put("type", event.type());
		node.put("time", event.time().toString());
		if (event.subject() != null) {
			node.put("subject", event.subject());
		}
		node.put("dataversion", event.dataversion());
		node.set("data", event.data());
		return this.jsonMapper.writeValueAsString(node);
	}

	/**
	 * Reads an envelope.
	 * @throws InvalidEventException if the body is not JSON or misses a required
	 * attribute
	 */
	EventEnvelope read(byte[] body) {
		try {
			JsonNode node = this.jsonMapper.readTree(new String(body, StandardCharsets.UTF_8));
			if (node == null || !node.isObject()) {
				throw new InvalidEventException("event body is not a JSON object");
			}
			JsonNode subject = node.get("subject");
			JsonNode dataversion = node.get("dataversion");
			return new EventEnvelope(UUID.fromString(required(node, "id")), required(node, "source"),
					required(node, "type"), Instant.parse(required(node, "time")),
					(subject != null && subject.isString()) ? subject.stringValue() : null,
					(dataversion != null && dataversion.canConvertToInt()) ? dataversion.intValue() : 1,
					(node.get("data") != null) ? node.get("data") : this.jsonMapper.nullNode());
		}
		catch (JacksonException | IllegalArgumentException | java.time.DateTimeException ex) {
			throw new InvalidEventException("unreadable event: " + ex.getMessage(), ex);
		}
	}

	private static String required(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || !value.isString()) {
			throw new InvalidEventException("event attribute '" + field + "' is missing");
		}
		return value.stringValue();
	}

}
