package com.moa.platform.events;

import java.util.Set;

import com.moa.platform.testing.LocalPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With RabbitMQ unreachable, an operator asking for dead letters gets a 503 to retry (it
 * was a 500), and the overview still answers, with the depths unknown (-1).
 */
class DeadLettersControllerTests {

	private static final String DLQ = "test.product-events.dlq";

	private final CachingConnectionFactory brokerDown = new CachingConnectionFactory("127.0.0.1", LocalPorts.closed());

	private final MockMvcTester mvc = MockMvcTester.create(MockMvcBuilders
		.standaloneSetup(new DeadLettersController(new DeadLetters(this.brokerDown, "test", Set.of(DLQ))))
		.build());

	@AfterEach
	void close() {
		this.brokerDown.destroy();
	}

	@Test
	void aBrokerThatCannotBeReachedIsA503() {
		assertThat(this.mvc.get().uri("/internal/dead-letters/" + DLQ)).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasHeader("Retry-After", "5");
		for (String action : new String[] { "replay", "discard" }) {
			assertThat(this.mvc.post()
				.uri("/internal/dead-letters/" + DLQ + "/" + action)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"all\":true}")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
		}
		assertThat(this.mvc.get().uri("/internal/dead-letters")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[0].depth")
			.isEqualTo(-1);
	}

}
