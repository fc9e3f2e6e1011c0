package com.moa.seller;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes and metrics are open; readiness checks neither the database nor the broker,
 * which every instance shares (events wait in the outbox while RabbitMQ is away), and the
 * health endpoint names its components.
 */
class HealthIntegrationTests extends SellerIntegrationTestSupport {

	@Autowired
	HealthEndpointGroups groups;

	@Test
	void readinessIsUpAndChecksNeitherTheDatabaseNorRabbit() {
		assertThat(this.mvc.get().uri("/actuator/health/readiness")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.status")
			.isEqualTo("UP");
		assertThat(this.mvc.get().uri("/actuator/health/liveness")).hasStatusOk();
		HealthEndpointGroup readiness = this.groups.get("readiness");
		assertThat(readiness.isMember("db")).isFalse();
		assertThat(readiness.isMember("rabbit")).isFalse();
		assertThat(this.mvc.get().uri("/actuator/health")).bodyJson()
			.extractingPath("$.components.db.status")
			.isEqualTo("UP");
	}

	@Test
	void prometheusMetricsAreExposed() {
		assertThat(this.mvc.get().uri("/actuator/prometheus")).hasStatusOk()
			.bodyText()
			.contains("jvm_memory_used_bytes");
	}

}
