package com.moa.platform.web;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Request bodies every service takes are JSON (API.md), so Spring's form and multipart
 * parsing, on by default, is off (as Boot's default properties: any configuration
 * overrides them). Both parsed before any handler, whatever the endpoint: a
 * {@code multipart/form-data} Content-Type without a boundary was a 500 on every endpoint
 * (and a multipart body was spooled to disk past the body size limit), a broken form body
 * on a PUT or PATCH a 500 answered by the container, not as problem JSON. Now such a body
 * is a 415 problem like any other type but JSON.
 */
public class WebInputDefaults implements EnvironmentPostProcessor {

	static final Map<String, Object> DEFAULTS = Map.of("spring.servlet.multipart.enabled", "false",
			"spring.mvc.formcontent.filter.enabled", "false");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		DefaultPropertiesPropertySource.addOrMerge(DEFAULTS, environment.getPropertySources());
	}

}
