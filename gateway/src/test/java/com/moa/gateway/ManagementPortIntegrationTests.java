package com.moa.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As under prod: the actuator on a management port of its own. Prometheus answers there
 * without a token; the public port has no actuator, but keeps {@code /livez} and
 * {@code /readyz} for load balancers and probes.
 */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortIntegrationTests extends AbstractGatewayIntegrationTest {

	@LocalManagementPort
	int managementPort;

	@Autowired
	ApplicationContext context;

	@Test
	void metricsArePulledNotPushedToAnAbsentCollector() {
		assertThat(this.context.getBeanNamesForType(PrometheusMeterRegistry.class)).hasSize(1);
		assertThat(this.context.getBeanNamesForType(OtlpMeterRegistry.class)).isEmpty();
	}

	@Test
	void prometheusOnTheManagementPortWithoutAToken() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build();
		management.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("jvm_memory_used_bytes"));
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

	@Test
	void publicPortHasNoActuatorButAnswersTheProbes() {
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
		this.client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
		this.client.get().uri("/readyz").exchange().expectStatus().isOk();
		this.client.get().uri("/livez").exchange().expectStatus().isOk();
	}

}
