package com.moa.gateway;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * As under prod: the actuator on a management port of its own. Prometheus answers there
 * without a token; the public port has no actuator, but keeps {@code /livez} and
 * {@code /readyz} for load balancers and probes.
 */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortIntegrationTests extends AbstractGatewayIntegrationTest {

	@LocalManagementPort
	int managementPort;

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
			.value((body) -> org.assertj.core.api.Assertions.assertThat(body).contains("jvm_memory_used_bytes"));
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
