package com.moa.platform.events;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.ImmediateRequeueAmqpException;
import org.springframework.amqp.rabbit.retry.MessageRecoverer;
import org.springframework.amqp.rabbit.retry.RejectAndDontRequeueRecoverer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of platform/events: declares {@code moa.events} and
 * {@code moa.events.dlx}, and provides the {@link EventPublisher} with its outbox relay,
 * the {@link EventInbox}, and the listener container factory consumers use.
 */
@AutoConfiguration(
		after = { JacksonAutoConfiguration.class, RabbitAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties(EventsProperties.class)
public class EventsAutoConfiguration {

	/**
	 * Name of the listener container factory for event consumers: envelope conversion,
	 * consumer's trace continued from the event's traceparent, acknowledgement after the
	 * listener returned, bounded retries with backoff, then dead-lettering.
	 */
	public static final String LISTENER_CONTAINER_FACTORY = "moaEventsListenerContainerFactory";

	@Bean
	EventJson moaEventJson(JsonMapper jsonMapper) {
		return new EventJson(jsonMapper);
	}

	/**
	 * The system's whole topology (infra/rabbitmq/definitions.json): every service
	 * declares every consumer queue, so events wait for consumers not deployed yet.
	 */
	@Bean
	Declarables moaEventTopology(JsonMapper jsonMapper) throws IOException {
		ClassPathResource definitions = new ClassPathResource(EventTopology.DEFINITIONS);
		try (InputStream in = definitions.getInputStream()) {
			return EventTopology.fromDefinitions(jsonMapper, in);
		}
	}

	@Bean
	DeadLetters moaDeadLetters(ConnectionFactory connectionFactory, EventsProperties properties,
			Environment environment, ObjectProvider<Declarables> declarables) {
		String service = StringUtils.hasText(properties.service()) ? properties.service()
				: environment.getProperty("spring.application.name", "unknown").replaceFirst("-service$", "");
		Set<String> queues = new TreeSet<>();
		declarables.orderedStream()
			.forEach((declared) -> declared.getDeclarablesByType(Queue.class)
				.forEach((queue) -> queues.add(queue.getName())));
		return new DeadLetters(connectionFactory, service, queues);
	}

	@Bean
	@ConditionalOnBean(MeterRegistry.class)
	EventMetrics moaEventMetrics(MeterRegistry registry, DeadLetters deadLetters, ObjectProvider<OutboxBacklog> outbox,
			EventsProperties properties) {
		return new EventMetrics(registry, deadLetters, outbox.getIfAvailable(), properties.metricsInterval());
	}

	/** {@code /internal/dead-letters} in servlet services. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class DeadLettersWebConfiguration {

		@Bean
		DeadLettersController moaDeadLettersController(DeadLetters deadLetters) {
			return new DeadLettersController(deadLetters);
		}

	}

	@Bean(LISTENER_CONTAINER_FACTORY)
	@ConditionalOnMissingBean(name = LISTENER_CONTAINER_FACTORY)
	SimpleRabbitListenerContainerFactory moaEventsListenerContainerFactory(
			SimpleRabbitListenerContainerFactoryConfigurer configurer, ConnectionFactory connectionFactory,
			EventJson json, EventsProperties properties) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		configurer.configure(factory, connectionFactory);
		// AUTO: the container acks after the listener method returned normally — after
		// the EventInbox transaction committed — and rejects when it threw.
		factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
		// Rejected messages are never requeued but dead-lettered to <queue>.dlq: by the
		// DeadLetterRecoverer with the failure's reason, or by the broker if that fails.
		factory.setDefaultRequeueRejected(false);
		factory.setMessageConverter(new EventMessageConverter(json));
		EventsProperties.Consumer consumer = properties.consumer();
		RetryPolicy retryPolicy = RetryPolicy.builder()
			.maxRetries(Math.max(0, consumer.maxAttempts() - 1))
			.delay(consumer.initialBackoff())
			.multiplier(consumer.multiplier())
			.maxDelay(consumer.maxBackoff())
			// A poison message fails the same way every time: straight to the .dlq.
			.predicate((ex) -> !isPoison(ex))
			.build();
		MessageRecoverer deadLetter = connectionFactory.isPublisherConfirms()
				? new DeadLetterRecoverer(new RabbitTemplate(connectionFactory)) : new RejectAndDontRequeueRecoverer();
		// The trace of the transaction that wrote the event goes on here (its traceparent
		// header), so consumer log lines carry the originating request's trace id.
		factory.setObservationEnabled(true);
		factory
			.setAdviceChain(RetryInterceptorBuilder.stateless().retryPolicy(retryPolicy).recoverer((message, cause) -> {
				// The consumer's store is down: nothing is wrong with the event.
				// It goes back to its queue (after the retries' backoff) and waits
				// there until the store answers, instead of filling the .dlq.
				if (isStoreOutage(cause)) {
					throw new ImmediateRequeueAmqpException("store unavailable: the event waits in its queue", cause);
				}
				deadLetter.recover(message, cause);
			}).build());
		return factory;
	}

	static boolean isStoreOutage(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataAccessResourceFailureException || cause instanceof TransientDataAccessException
					|| cause instanceof CannotCreateTransactionException) {
				return true;
			}
		}
		return false;
	}

	static boolean isPoison(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidEventException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Migrations connect on their own, with the pool's URL and credentials but without
	 * the statement and socket timeouts each service gives its pool (application.yml):
	 * those bound a request's wait on a database that stopped answering, while a
	 * migration building an index on a large table may rightly take minutes. Only in
	 * place of the pool: a migration connection configured on purpose
	 * ({@code spring.flyway.url}/{@code user}, {@code @FlywayDataSource}) stays.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.flywaydb.core.Flyway")
	@ConditionalOnSingleCandidate(DataSource.class)
	static class MigrationConnectionConfiguration {

		@Bean
		FlywayConfigurationCustomizer moaMigrationConnections(DataSource dataSource) {
			return (configuration) -> {
				if (configuration.getDataSource() == dataSource) {
					configuration.dataSource(
							DataSourceBuilder.derivedFrom(dataSource).type(SimpleDriverDataSource.class).build());
				}
			};
		}

	}

	/** Outbox and inbox, for services with a (PostgreSQL) database. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnSingleCandidate(DataSource.class)
	static class OutboxInboxConfiguration {

		@Bean
		EventPublisher eventPublisher(DataSource dataSource, EventJson json, EventsProperties properties,
				Environment environment, ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
			String source = StringUtils.hasText(properties.source()) ? properties.source()
					: environment.getProperty("spring.application.name", "unknown");
			return new EventPublisher(JdbcClient.create(dataSource), json, source,
					tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
		}

		@Bean
		OutboxRelay moaOutboxRelay(DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager,
				ConnectionFactory connectionFactory, ObjectProvider<AmqpAdmin> admin, EventsProperties properties) {
			return new OutboxRelay(JdbcClient.create(dataSource),
					new TransactionTemplate(transactionManager.getObject()), connectionFactory, admin.getIfAvailable(),
					properties.relay());
		}

		@Bean
		OutboxBacklog moaOutboxBacklog(DataSource dataSource) {
			return new OutboxBacklog(JdbcClient.create(dataSource));
		}

		@Bean
		EventInbox eventInbox(DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager) {
			return new EventInbox(JdbcClient.create(dataSource),
					new TransactionTemplate(transactionManager.getObject()));
		}

		@Bean
		InboxRetention moaInboxRetention(DataSource dataSource, EventsProperties properties) {
			return new InboxRetention(dataSource, properties.inbox().retention(), properties.inbox().pruneInterval());
		}

	}

}
