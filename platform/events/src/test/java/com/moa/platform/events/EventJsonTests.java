package com.moa.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventJsonTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final EventJson json = new EventJson(this.jsonMapper);

	@Test
	void writesTheEnvelopeOfEventsMdAndReadsItBack() {
		EventEnvelope event = new EventEnvelope(UUID.randomUUID(), "seller-service", "product.removed",
				Instant.parse("2026-11-25T01:02:03.456Z"), "p-1", 2,
				this.json.toTree(Map.of("productId", "p-1", "version", 7)));

		String written = this.json.write(event);
		JsonNode tree = this.jsonMapper.readTree(written);

		assertThat(tree.propertyNames()).containsExactly("id", "source", "type", "time", "subject", "dataversion",
				"data");
		assertThat(tree.get("time").stringValue()).isEqualTo("2026-11-25T01:02:03.456Z");
		assertThat(this.json.read(written.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
	}

	@Test
	void rejectsBodiesThatAreNotEnvelopes() {
		for (String body : new String[] { "not json", "[1,2]", "{\"id\":\"x\"}",
				"{\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"s\",\"type\":\"t\",\"time\":\"yesterday\"}" }) {
			assertThatExceptionOfType(InvalidEventException.class)
				.isThrownBy(() -> this.json.read(body.getBytes(StandardCharsets.UTF_8)));
		}
	}

}
