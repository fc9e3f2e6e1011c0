package com.moa.platform.events;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * RabbitMQ client defaults of every service, as Boot's default properties (any
 * configuration overrides them). The AMQP client waits 60 s for a connection by default:
 * with the broker's host dropping packets, each listener container's start waited that
 * long (and its consumers as long again, one after another), so a service took minutes to
 * start and Kubernetes' startup probe restarted it in a loop, for a broker no service
 * needs to serve requests; and each outbox relay round held a pooled database connection
 * for the whole wait. Two seconds (as chat-service has had) is ample for a broker that
 * answers: it bounds only the TCP connect, which the kernel completes, however busy the
 * broker; a lost SYN is sent again after 1 s.
 */
public class BrokerClientDefaults implements EnvironmentPostProcessor {

	static final Map<String, Object> DEFAULTS = Map.of("spring.rabbitmq.connection-timeout", "2s");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		DefaultPropertiesPropertySource.addOrMerge(DEFAULTS, environment.getPropertySources());
	}

}
