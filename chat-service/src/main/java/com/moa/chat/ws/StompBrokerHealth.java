package com.moa.chat.ws;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.broker.BrokerAvailabilityEvent;
import org.springframework.stereotype.Component;

/**
 * Whether the broker relay is connected to RabbitMQ's STOMP plugin. Shown in
 * {@code /actuator/health}, not in readiness: every instance shares the broker, and REST
 * keeps working without it.
 */
@Component("stompBroker")
class StompBrokerHealth implements HealthIndicator {

	private volatile boolean available;

	@EventListener
	void onAvailability(BrokerAvailabilityEvent event) {
		this.available = event.isBrokerAvailable();
	}

	@Override
	public Health health() {
		return (this.available ? Health.up() : Health.down()).withDetail("relay", "RabbitMQ STOMP").build();
	}

}
