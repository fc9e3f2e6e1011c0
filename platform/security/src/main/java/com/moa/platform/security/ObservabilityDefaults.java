package com.moa.platform.security;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Defaults every service and the gateway share (all of them use this module), as Boot's
 * default properties: any configuration file, variable or argument overrides them.
 * <ul>
 * <li>Metrics are scraped (Prometheus). Boot 4 would also push them over OTLP to
 * localhost:4318 every minute, with a warning in the log each time no collector answers
 * (docs/operations.md says how to turn the push on).</li>
 * <li>Spring Security's observation of every filter and decision wrapped each request's
 * whole filter chain (issue 12 profile); requests are still measured by
 * {@code http.server.requests}.</li>
 * </ul>
 */
public class ObservabilityDefaults implements EnvironmentPostProcessor {

	static final Map<String, Object> DEFAULTS = Map.of("management.otlp.metrics.export.enabled", "false",
			"management.observations.enable.spring.security", "false");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		DefaultPropertiesPropertySource.addOrMerge(DEFAULTS, environment.getPropertySources());
	}

}
