package com.moa.auth.user;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.moa.auth.AuthIntegrationTestSupport;
import com.moa.platform.testing.TestEventQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumers deployed after users exist lose nothing: the {@code user.*} events of signups
 * made before mail- and chat-service run wait in their queues (declared by the system
 * topology, not by the consumers), and a backfill republishes a snapshot of every user
 * for a projection that needs all of them.
 */
class LateConsumersIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JdbcClient jdbc;

	@Test
	void userEventsOfEarlierSignupsWaitForConsumersThatDoNotExistYet() {
		List<String> ids = List.of(signupConsumer(uniqueEmail()), signupConsumer(uniqueEmail()),
				signupConsumer(uniqueEmail()));
		// Published (the relay declares the queues before its first publish): from here
		// on
		// the events are in the queues or lost, whoever reads them.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM event_outbox WHERE published_at IS NULL")
				.query(Integer.class)
				.single() == 0);
		// No mail- or chat-service runs here: the test reads their queues as they would
		// once deployed.
		for (String queue : List.of("mail.user-events", "chat.user-events", "seller.user-events")) {
			TestEventQueue late = TestEventQueue.existing(this.rabbit, queue);
			for (String id : ids) {
				JsonNode data = late.receiveEnvelope("user.registered", id).get("data");
				assertThat(data.get("userId").asString()).as(queue).isEqualTo(id);
				assertThat(data.get("email").asString()).as(queue).isNotBlank();
			}
		}
	}

	@Test
	void backfillRepublishesASnapshotOfEveryUserWithRoleAndVersion() {
		String consumer = signupConsumer(uniqueEmail());
		String seller = read(signup(uniqueEmail(), PASSWORD, "SELLER"), "$.id");
		// A projection created only now: it missed user.registered for both.
		TestEventQueue projection = TestEventQueue.bind(this.admin, this.rabbit,
				"auth-tests.new-projection-" + UUID.randomUUID(), "user.updated");

		var response = this.mvc.post().uri("/internal/backfill/users").header("X-Operator-Key", "dev-operator-key");

		assertThat(response).hasStatusOk()
			.bodyJson()
			.extractingPath("$.published")
			.asNumber()
			.satisfies((published) -> assertThat(published.intValue()).isGreaterThanOrEqualTo(2));
		JsonNode consumerData = projection.receiveEnvelope("user.updated", consumer).get("data");
		JsonNode sellerData = projection.receiveEnvelope("user.updated", seller).get("data");
		assertThat(consumerData.get("role").asString()).isEqualTo("CONSUMER");
		assertThat(sellerData.get("role").asString()).isEqualTo("SELLER");
		assertThat(sellerData.get("name").asString()).isEqualTo("Kim");
		assertThat(sellerData.has("version")).isTrue();
		assertThat(sellerData.has("locale")).isTrue();
	}

	@Test
	void backfillIsForOperatorsOnly() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		assertThat(this.mvc.post().uri("/internal/backfill/users")).hasStatus(401);
		assertThat(this.mvc.post()
			.uri("/internal/backfill/users")
			.header("Authorization", "Bearer " + tokens.accessToken())).hasStatus(401);
	}

}
