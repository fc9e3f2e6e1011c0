package com.moa.platform.security;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared defaults apply to every application using this module, and anything it
 * configures wins over them. (gateway's and seller-service's
 * ManagementPortIntegrationTests check the result in a running application: no OTLP meter
 * registry.)
 */
class ObservabilityDefaultsTests {

	@Test
	void otlpPushAndSecurityObservationsAreOffByDefault() {
		StandardEnvironment environment = new StandardEnvironment();

		new ObservabilityDefaults().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("management.observations.enable.spring.security")).isEqualTo("false");
	}

	@Test
	void anApplicationsOwnSettingWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(
					new MapPropertySource("application.yml", Map.of("management.otlp.metrics.export.enabled", "true")));

		new ObservabilityDefaults().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("management.observations.enable.spring.security")).isEqualTo("false");
	}

}
