package com.moa.auth.user;

import com.moa.auth.AuthIntegrationTestSupport;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import com.moa.platform.testing.TestEventQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * auth-service's side of the user event contract in docs/events.md: signup accepts
 * exactly the documented limits (the largest email and name are accepted and published
 * unchanged, one more is a 400), so mail, chat and seller know what they must store.
 */
class UserEventContractIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	@Test
	void signupAcceptsAndPublishesTheLargestDocumentedValuesAndRefusesOneMore() {
		TestEventQueue events = TestEventQueue.bind(this.admin, this.rabbit, "auth-tests.contract-events",
				"user.registered");
		String email = email((int) limit("email").max());
		String name = limit("name").largestText();

		String id = read(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"%s","role":"SELLER"}""".formatted(email, PASSWORD, name)),
				"$.id");

		JsonNode data = events.receiveEnvelope("user.registered", id).get("data");
		assertThat(data.get("email").asString()).isEqualTo(email);
		assertThat(data.get("name").asString()).isEqualTo(name);
		assertThat(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"SELLER"}"""
			.formatted(email((int) limit("email").max() + 1), PASSWORD))).hasStatus(400);
		assertThat(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"%s","role":"SELLER"}""".formatted(uniqueEmail(), PASSWORD,
				limit("name").tooLongText())))
			.hasStatus(400);
	}

	/** A valid address of exactly {@code length} characters (64-character local part). */
	private static String email(int length) {
		String local = Long.toHexString(System.nanoTime()) + "x".repeat(64);
		StringBuilder domain = new StringBuilder();
		int remaining = length - 64 - 1 - ".com".length();
		while (remaining > 0) {
			int label = Math.min(63, remaining);
			if (remaining - label == 1) {
				label--;
			}
			domain.append("d".repeat(label));
			remaining -= label;
			if (remaining > 0) {
				domain.append('.');
				remaining--;
			}
		}
		return local.substring(0, 64) + "@" + domain + ".com";
	}

	private static FieldLimit limit(String field) {
		return EventContract.limit("user.registered", field);
	}

}
