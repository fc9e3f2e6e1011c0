package com.moa.platform.events;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventTopologyTests {

	@Test
	void consumerQueueDeadLettersToItsOwnDlq() {
		Declarables declarables = EventTopology.consumerQueue("mail.product-events", "product.terms-changed", "user.*");

		Queue queue = declarables.getDeclarablesByType(Queue.class)
			.stream()
			.filter((q) -> q.getName().equals("mail.product-events"))
			.findFirst()
			.orElseThrow();
		assertThat(queue.isDurable()).isTrue();
		assertThat(queue.getArguments()).containsEntry("x-dead-letter-exchange", "moa.events.dlx")
			.containsEntry("x-dead-letter-routing-key", "mail.product-events");
		assertThat(declarables.getDeclarablesByType(Binding.class))
			.extracting(Binding::getExchange, Binding::getRoutingKey, Binding::getDestination)
			.containsExactlyInAnyOrder(
					org.assertj.core.groups.Tuple.tuple("moa.events.dlx", "mail.product-events",
							"mail.product-events.dlq"),
					org.assertj.core.groups.Tuple.tuple("moa.events", "product.terms-changed", "mail.product-events"),
					org.assertj.core.groups.Tuple.tuple("moa.events", "user.*", "mail.product-events"));
	}

	@Test
	void queueNamesFollowServiceDotPurpose() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventTopology.consumerQueue("orphans", "x"));
	}

}
