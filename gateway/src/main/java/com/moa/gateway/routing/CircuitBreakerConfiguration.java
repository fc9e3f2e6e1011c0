package com.moa.gateway.routing;

import java.time.Duration;

import com.moa.gateway.GatewayProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Defaults for the per-route circuit breakers. The time limiter is set just above the
 * upstream response timeout: Resilience4j's 1 s default would cut off every slower
 * request.
 */
@Configuration(proxyBeanMethods = false)
class CircuitBreakerConfiguration {

	@Bean
	Customizer<ReactiveResilience4JCircuitBreakerFactory> circuitBreakerDefaults(GatewayProperties properties) {
		Duration timeout = properties.upstream().responseTimeout().plusMillis(500);
		return (factory) -> factory.configureDefault(
				(id) -> new Resilience4JConfigBuilder(id)
					.circuitBreakerConfig(CircuitBreakerConfig.custom()
						.slidingWindowSize(20)
						.minimumNumberOfCalls(10)
						.failureRateThreshold(50)
						.waitDurationInOpenState(Duration.ofSeconds(10))
						.permittedNumberOfCallsInHalfOpenState(3)
						.build())
					.timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(timeout).build())
					.build());
	}

}
