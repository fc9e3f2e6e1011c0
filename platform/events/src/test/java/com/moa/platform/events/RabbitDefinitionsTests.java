package com.moa.platform.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one versioned topology (infra/rabbitmq/definitions.json) is complete and agrees
 * with the code: every consumer queue that docs/events.md names is there with its
 * {@code .dlq} and dead-letter binding, and its arguments are exactly those
 * {@link EventTopology#consumerQueue} declares (RabbitMQ refuses to redeclare a queue
 * with other arguments, so a mismatch would stop the consumer from starting).
 */
class RabbitDefinitionsTests {

	private static final Pattern QUEUE_NAME = Pattern.compile("`([a-z]+\\.[a-z-]+)`");

	private final Declarables topology = load();

	@Test
	void coversEveryConsumerQueueThatDocsEventsNames() throws IOException {
		Set<String> documented = new TreeSet<>();
		String catalogue = Files.readString(locate("docs/events.md"));
		String table = catalogue.substring(catalogue.indexOf("## Events"), catalogue.indexOf("## Queues exist"));
		Matcher matcher = QUEUE_NAME.matcher(table);
		while (matcher.find()) {
			if (!matcher.group(1).contains("*")
					&& !matcher.group(1).matches("(user|product|search|subscription|payment)\\..*")) {
				documented.add(matcher.group(1));
			}
		}
		assertThat(documented).isNotEmpty();
		assertThat(queueNames()).containsAll(documented);
	}

	@Test
	void everyConsumerQueueDeadLettersIntoItsOwnDlqWithTheArgumentsTheCodeDeclares() {
		List<Queue> queues = this.topology.getDeclarablesByType(Queue.class);
		List<Binding> bindings = this.topology.getDeclarablesByType(Binding.class);
		for (Queue queue : queues) {
			if (queue.getName().endsWith(".dlq")) {
				continue;
			}
			Queue declaredByCode = EventTopology.consumerQueue(queue.getName(), "any.key")
				.getDeclarablesByType(Queue.class)
				.get(0);
			assertThat(queue.getArguments()).as(queue.getName()).isEqualTo(declaredByCode.getArguments());
			assertThat(queue.isDurable()).isTrue();
			assertThat(queueNames()).contains(queue.getName() + ".dlq");
			assertThat(bindings).anySatisfy((binding) -> {
				assertThat(binding.getExchange()).isEqualTo(EventTopology.DEAD_LETTER_EXCHANGE);
				assertThat(binding.getDestination()).isEqualTo(queue.getName() + ".dlq");
				assertThat(binding.getRoutingKey()).isEqualTo(queue.getName());
			});
			assertThat(bindings).as(queue.getName() + " receives events")
				.anySatisfy((binding) -> assertThat(binding.getDestination()).isEqualTo(queue.getName()));
		}
	}

	private Set<String> queueNames() {
		Set<String> names = new TreeSet<>();
		this.topology.getDeclarablesByType(Queue.class).forEach((queue) -> names.add(queue.getName()));
		return names;
	}

	private static Declarables load() {
		try (InputStream in = new ClassPathResource(EventTopology.DEFINITIONS).getInputStream()) {
			return EventTopology.fromDefinitions(JsonMapper.builder().build(), in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path locate(String file) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve(file))) {
				return dir.resolve(file);
			}
		}
		throw new IllegalStateException(file + " not found");
	}

}
