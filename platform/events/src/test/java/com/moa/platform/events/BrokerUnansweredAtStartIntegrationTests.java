package com.moa.platform.events;

import java.time.Duration;
import java.util.List;

import com.moa.platform.testing.LocalPorts;
import org.junit.jupiter.api.Test;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker whose host drops packets while a service starts (a connect is never answered,
 * not refused): the service starts in seconds, its listeners connecting in the
 * background, not after amqp-client's 60 s connect timeout for each listener and consumer
 * in turn.
 */
class BrokerUnansweredAtStartIntegrationTests {

	@Test
	void aServiceStartsInSecondsWhileTheBrokerDoesNotAnswer() {
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(EventsTestApplication.class,
				UnansweredBroker.class)
			.properties("spring.main.web-application-type=none")
			.run()) {
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class UnansweredBroker {

		@Bean
		@Primary
		RabbitConnectionDetails unansweredBroker() {
			int port = LocalPorts.unanswered();
			return () -> List.of(new RabbitConnectionDetails.Address("127.0.0.1", port));
		}

	}

}
