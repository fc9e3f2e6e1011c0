package com.moa.auth;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.testing.LocalPorts;
import com.moa.platform.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With RabbitMQ unreachable, auth-service stays ready and signups succeed: their events
 * wait in the outbox for the relay.
 */
@SpringBootTest(properties = "moa.auth.password.bcrypt-cost=4")
@AutoConfigureMockMvc
@Import(TestPostgres.class)
class BrokerDownIntegrationTests {

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JdbcClient jdbc;

	@DynamicPropertySource
	static void brokerOnAClosedPort(DynamicPropertyRegistry registry) {
		int closedPort = LocalPorts.closed();
		registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
		registry.add("spring.rabbitmq.port", () -> closedPort);
	}

	@Test
	void signupSucceedsAndItsEventWaitsInTheOutbox() throws Exception {
		String email = "outage-" + System.nanoTime() + "@example.com";

		MvcTestResult result = this.mvc.post()
			.uri("/api/auth/signup")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"email":"%s","password":"correct horse 1","name":"Kim","role":"CONSUMER"}""".formatted(email))
			.exchange();

		assertThat(result).hasStatus(HttpStatus.CREATED);
		String id = JsonPath.read(result.getResponse().getContentAsString(), "$.id");
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM event_outbox WHERE type = 'user.registered' AND published_at IS NULL "
					+ "AND envelope::jsonb ->> 'subject' = ?")
			.param(id)
			.query(Integer.class)
			.single()).isEqualTo(1);
	}

	@Test
	void staysReadyWhileTheBrokerIsDown() {
		MvcTestResult readiness = this.mvc.get().uri("/actuator/health/readiness").exchange();

		assertThat(readiness).hasStatus(HttpStatus.OK);
		assertThat(readiness).bodyJson().extractingPath("$.status").isEqualTo("UP");
		// The full health still reports the broker, so the outage is visible.
		assertThat(this.mvc.get().uri("/actuator/health").exchange()).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
	}

}
