package com.moa.auth.user;

import com.moa.auth.AuthIntegrationTestSupport;
import com.moa.platform.testing.TestEventQueue;
import com.moa.platform.events.EventTopology;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * user.registered and user.updated travel through the outbox to {@code moa.events} on a
 * real RabbitMQ, and only for committed changes.
 */
class UserEventsIntegrationTests extends AuthIntegrationTestSupport {

	private static final String QUEUE = "auth-tests.user-events";

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JdbcClient jdbc;

	private TestEventQueue events;

	@BeforeEach
	void bindTestQueue() {
		this.events = TestEventQueue.bind(this.admin, this.rabbit, QUEUE, "user.registered", "user.updated");
	}

	@Test
	void signupPublishesUserRegistered() {
		String email = uniqueEmail();
		String id = read(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"SELLER","locale":"en"}""".formatted(email,
				PASSWORD)), "$.id");

		Message message = this.events.receive("user.registered", id);

		assertThat(message).as("user.registered for " + id).isNotNull();
		assertThat(message.getMessageProperties().getReceivedExchange()).isEqualTo(EventTopology.EXCHANGE);
		JsonNode event = TestEventQueue.envelope(message);
		assertThat(event.get("type").stringValue()).isEqualTo("user.registered");
		assertThat(event.get("source").stringValue()).isEqualTo("auth-service");
		assertThat(event.get("dataversion").intValue()).isEqualTo(1);
		JsonNode data = event.get("data");
		assertThat(data.get("userId").stringValue()).isEqualTo(id);
		assertThat(data.get("email").stringValue()).isEqualTo(email);
		assertThat(data.get("name").stringValue()).isEqualTo("Kim");
		assertThat(data.get("role").stringValue()).isEqualTo("SELLER");
		assertThat(data.get("locale").stringValue()).isEqualTo("en");
	}

	@Test
	void signupWithTakenEmailPublishesNothing() {
		String email = uniqueEmail();
		String id = signupConsumer(email);

		assertThat(signup(email.toUpperCase(), PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CONFLICT);

		assertThat(this.events.receive("user.registered", id)).isNotNull();
		assertThat(outboxCount("user.registered", email)).isEqualTo(1);
	}

	@Test
	void nameChangePublishesUserUpdatedWithIncrementedVersion() {
		String email = uniqueEmail();
		String id = signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		assertThat(patchMe("{\"name\":\"Lee\"}", tokens.accessToken())).hasStatus(HttpStatus.OK);
		JsonNode first = TestEventQueue.envelope(this.events.receive("user.updated", id));
		assertThat(patchMe("{\"name\":\"Park\"}", tokens.accessToken())).hasStatus(HttpStatus.OK);
		JsonNode second = TestEventQueue.envelope(this.events.receive("user.updated", id));

		assertThat(first.get("subject").stringValue()).isEqualTo(id);
		JsonNode data = first.get("data");
		assertThat(data.get("userId").stringValue()).isEqualTo(id);
		assertThat(data.get("email").stringValue()).isEqualTo(email);
		assertThat(data.get("name").stringValue()).isEqualTo("Lee");
		assertThat(data.get("locale").stringValue()).isEqualTo("ko");
		assertThat(data.get("version").longValue()).isEqualTo(1);
		assertThat(second.get("data").get("name").stringValue()).isEqualTo("Park");
		assertThat(second.get("data").get("version").longValue()).isEqualTo(2);
	}

	@Test
	void passwordOnlyChangePublishesNoUserUpdated() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		assertThat(patchMe("""
				{"currentPassword":"%s","newPassword":"brand new pass"}""".formatted(PASSWORD), tokens.accessToken()))
			.hasStatus(HttpStatus.OK);

		assertThat(outboxCount("user.updated", email)).isZero();
	}

	private int outboxCount(String type, String email) {
		return this.jdbc
			.sql("SELECT count(*) FROM event_outbox WHERE type = ? AND envelope::jsonb -> 'data' ->> 'email' = ?")
			.params(type, email)
			.query(Integer.class)
			.single();
	}

}
