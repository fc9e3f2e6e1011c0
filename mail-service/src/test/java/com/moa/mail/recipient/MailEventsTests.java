package com.moa.mail.recipient;

import java.util.UUID;

import com.moa.platform.events.InvalidEventException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Identifiers in events: only the canonical 36-character form is a UUID; anything else
 * makes the event poison (parked at once), never an error worth retrying. An accepted
 * terms version is a positive int or unknown.
 */
class MailEventsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void readsACanonicalUuidInEitherCase() {
		UUID id = UUID.randomUUID();
		assertThat(MailEvents.uuid(json.createObjectNode().put("userId", id.toString()), "userId")).isEqualTo(id);
		assertThat(MailEvents.uuid(json.createObjectNode().put("userId", id.toString().toUpperCase()), "userId"))
			.isEqualTo(id);
	}

	@Test
	void rejectsShortFormsAndGarbageAsInvalidEvents() {
		for (String value : new String[] { "1-1-1-1-1", "not-a-uuid", "", "0000000000000000000000000000000000000",
				"123e4567-e89b-12d3-a456-4266141740001", " 123e4567-e89b-12d3-a456-426614174000",
				"123e4567+e89b-12d3-a456-426614174000" }) {
			assertThatExceptionOfType(InvalidEventException.class).as(value)
				.isThrownBy(() -> MailEvents.uuid(json.createObjectNode().put("userId", value), "userId"));
		}
	}

	@Test
	void readsTheAcceptedTermsVersionOnlyAsAPositiveInt() {
		assertThat(MailEvents.acceptedTermsVersion(json.createObjectNode().put("acceptedTermsVersion", 3)))
			.isEqualTo(3);
		assertThat(
				MailEvents.acceptedTermsVersion(json.createObjectNode().put("acceptedTermsVersion", Integer.MAX_VALUE)))
			.isEqualTo(Integer.MAX_VALUE);
		// Unknown, or nothing a purchase can have accepted: the time rule decides.
		assertThat(MailEvents.acceptedTermsVersion(json.createObjectNode())).isNull();
		assertThat(MailEvents.acceptedTermsVersion(json.createObjectNode().putNull("acceptedTermsVersion"))).isNull();
		for (String value : new String[] { "0", "-1", "1.5", "\"2\"", "2147483648", "true", "[1]" }) {
			assertThat(MailEvents.acceptedTermsVersion(json.readTree("{\"acceptedTermsVersion\":" + value + "}")))
				.as(value)
				.isNull();
		}
	}

}
