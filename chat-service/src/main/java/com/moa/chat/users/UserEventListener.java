package com.moa.chat.users;

import java.util.UUID;

import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventTopology;
import com.moa.platform.events.EventsAutoConfiguration;
import com.moa.platform.events.InvalidEventException;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code user.*} → who is a seller and everyone's display name. */
@Configuration(proxyBeanMethods = false)
class UserEventListener {

	static final String QUEUE = "chat.user-events";

	private final ChatUsers users;

	UserEventListener(ChatUsers users) {
		this.users = users;
	}

	@Bean
	Declarables chatUserEventsQueue() {
		return EventTopology.consumerQueue(QUEUE, "user.registered", "user.updated");
	}

	@RabbitListener(queues = QUEUE, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onUser(EventEnvelope event) {
		JsonNode data = event.data();
		UUID userId;
		try {
			userId = UUID.fromString(data.path("userId").asString(""));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventException("userId is not a UUID");
		}
		String name = data.path("name").asString(null);
		if (name == null) {
			throw new InvalidEventException("event data misses 'name'");
		}
		String role = data.path("role").asString(null);
		long version = event.type().equals("user.registered") ? 0 : data.path("version").asLong(0);
		this.users.store(userId, role, name, version);
	}

}
