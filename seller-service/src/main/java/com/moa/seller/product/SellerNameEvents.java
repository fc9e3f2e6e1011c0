package com.moa.seller.product;

import java.util.UUID;

import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventInbox;
import com.moa.platform.events.EventTopology;
import com.moa.platform.events.EventsAutoConfiguration;
import com.moa.platform.events.InvalidEventException;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps {@link SellerNames} from {@code user.registered} and {@code user.updated} (queue
 * {@code seller.user-events}); products whose published seller name differs from the
 * newest one (created before the name arrived, or the seller renamed itself) are
 * republished under it.
 */
@Configuration(proxyBeanMethods = false)
class SellerNameEvents {

	static final String QUEUE = "seller.user-events";

	private final EventInbox inbox;

	private final SellerNames names;

	private final SellerProducts products;

	SellerNameEvents(EventInbox inbox, SellerNames names, SellerProducts products) {
		this.inbox = inbox;
		this.names = names;
		this.products = products;
	}

	@Bean
	Declarables sellerUserEventsQueue() {
		return EventTopology.consumerQueue(QUEUE, "user.registered", "user.updated");
	}

	@RabbitListener(queues = QUEUE, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void on(EventEnvelope event) {
		this.inbox.receive(QUEUE, event, (received) -> apply(received.data()));
	}

	private void apply(JsonNode data) {
		String role = data.path("role").asString(null);
		if (role != null && !role.equals("SELLER")) {
			return;
		}
		String id = data.path("userId").asString(null);
		String name = data.path("name").asString(null);
		if (id == null || name == null) {
			throw new InvalidEventException("user event without userId or name");
		}
		UUID sellerId = UUID.fromString(id);
		// Also on the first name: products created before it arrived carry none yet.
		if (this.names.store(sellerId, name, data.path("version").asLong(0))) {
			this.products.renameSeller(sellerId, name);
		}
	}

}
