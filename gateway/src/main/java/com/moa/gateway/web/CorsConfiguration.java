package com.moa.gateway.web;

import java.time.Duration;
import java.util.List;

import com.moa.gateway.GatewayProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * CORS for the seller dashboard: only the configured origins, the headers the API uses,
 * and the response headers clients need to read.
 */
@Configuration(proxyBeanMethods = false)
class CorsConfiguration {

	@Bean
	CorsConfigurationSource corsConfigurationSource(GatewayProperties properties) {
		org.springframework.web.cors.CorsConfiguration cors = new org.springframework.web.cors.CorsConfiguration();
		cors.setAllowedOrigins(properties.cors().allowedOrigins());
		cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
		cors.setAllowedHeaders(
				List.of("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Request-Id", "traceparent"));
		cors.setExposedHeaders(List.of("ETag", "Retry-After", "X-Request-Id", "Idempotent-Replayed",
				"X-RateLimit-Remaining", "Location", "Link"));
		// Bearer tokens, not cookies, carry identity across origins.
		cors.setAllowCredentials(false);
		cors.setMaxAge(Duration.ofHours(1));
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration("/**", cors);
		return source;
	}

}
