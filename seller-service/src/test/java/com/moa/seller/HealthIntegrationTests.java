package com.moa.seller;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes and metrics are open; readiness checks the database but not the broker (events
 * wait in the outbox while RabbitMQ is away).
 */
class HealthIntegrationTests extends SellerIntegrationTestSupport {

	@Autowired
	HealthEndpointGroups groups;

	@Test
	void readinessIsUpAndChecksTheDatabaseButNotRabbit() {
		assertThat(this.mvc.get().uri("/actuator/health/readiness")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.status")
			.isEqualTo("UP");
		assertThat(this.mvc.get().uri("/actuator/health/liveness")).hasStatusOk();
		HealthEndpointGroup readiness = this.groups.get("readiness");
		assertThat(readiness.isMember("db")).isTrue();
		assertThat(readiness.isMember("rabbit")).isFalse();
	}

	@Test
	void prometheusMetricsAreExposed() {
		assertThat(this.mvc.get().uri("/actuator/prometheus")).hasStatusOk()
			.bodyText()
			.contains("jvm_memory_used_bytes");
	}

}
