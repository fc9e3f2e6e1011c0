package com.moa.chat.ws;

import java.util.List;

import com.moa.chat.ChatProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * STOMP over WebSocket at {@code /ws/chat}, relayed to RabbitMQ's STOMP plugin so a
 * message published by any instance reaches the recipient's connection on any other.
 * Enabled by {@link StompMessagingConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig implements WebSocketMessageBrokerConfigurer {

	static final String ENDPOINT = "/ws/chat";

	private final ChatProperties properties;

	private final StompGuard guard;

	private final OutboundDestinations outboundDestinations;

	private final JsonMapper jsonMapper;

	private final RabbitConnectionDetails rabbit;

	private final TaskScheduler scheduler;

	private final FrameRateLimit frameRateLimit;

	private final SendBacklogLimit sendBacklogLimit;

	private final ConnectionLimit connectionLimit;

	WebSocketConfig(ChatProperties properties, StompGuard guard, OutboundDestinations outboundDestinations,
			JsonMapper jsonMapper, RabbitConnectionDetails rabbit,
			@Lazy @Qualifier("messageBrokerTaskScheduler") TaskScheduler scheduler, FrameRateLimit frameRateLimit,
			SendBacklogLimit sendBacklogLimit, ConnectionLimit connectionLimit) {
		this.frameRateLimit = frameRateLimit;
		this.sendBacklogLimit = sendBacklogLimit;
		this.connectionLimit = connectionLimit;
		this.rabbit = rabbit;
		this.scheduler = scheduler;
		this.properties = properties;
		this.guard = guard;
		this.outboundDestinations = outboundDestinations;
		this.jsonMapper = jsonMapper;
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		// Any origin: the connection is authorized by its bearer token, never by a
		// cookie,
		// so another site's page cannot ride on a user's session (and the app sends
		// none).
		registry.addEndpoint(ENDPOINT).setAllowedOriginPatterns("*");
		// A client's frames are handled in the order it sent them (its messages get seqs
		// in that order).
		registry.setPreserveReceiveOrder(true);
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		long heartbeat = this.properties.heartbeat().toMillis();
		// The same broker, account and virtual host as the AMQP events; only the port
		// differs.
		registry.enableStompBrokerRelay("/topic")
			.setRelayHost(this.rabbit.getFirstAddress().host())
			.setRelayPort(this.properties.stompPort())
			.setVirtualHost(this.rabbit.getVirtualHost() != null ? this.rabbit.getVirtualHost() : "/")
			.setClientLogin(this.rabbit.getUsername())
			.setClientPasscode(this.rabbit.getPassword())
			.setSystemLogin(this.rabbit.getUsername())
			.setSystemPasscode(this.rabbit.getPassword())
			.setSystemHeartbeatSendInterval(heartbeat)
			.setSystemHeartbeatReceiveInterval(heartbeat)
			// Frames to /app never reach the broker: with a scheduler the relay
			// beats for a client that sends only those (else RabbitMQ closes it
			// as silent).
			.setTaskScheduler(this.scheduler);
		registry.setApplicationDestinationPrefixes("/app");
		// Frames to one connection leave in the order they were published.
		registry.setPreservePublishOrder(true);
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		// A send blocks on MongoDB for a few round trips; with Spring's default
		// (2 threads per core) a backlog of sends delayed heart-beats until
		// RabbitMQ dropped every connection (bench/RESULTS.md).
		int threads = this.properties.inboundThreads();
		// The backlog limit before the guard: it counts off a SEND the guard drops.
		registration.interceptors(this.sendBacklogLimit, this.guard)
			.taskExecutor()
			.corePoolSize(threads)
			.maxPoolSize(threads);
	}

	@Override
	public void configureClientOutboundChannel(ChannelRegistration registration) {
		// With publish order a connection has one frame being written at a time, on one
		// of these threads, and a client that stops reading blocks that write until the
		// send time limit (Tomcat's blocking-send timeout, see
		// StompMessagingConfiguration). Spring's fixed pool (2 per core) let a handful of
		// such clients stall pushes to everyone; here a thread is added whenever all are
		// busy, so at most one per open connection, each blocked 10 s at most.
		int cores = Runtime.getRuntime().availableProcessors();
		registration.interceptors(this.outboundDestinations)
			.taskExecutor()
			.corePoolSize(2 * cores)
			.maxPoolSize(this.properties.connections() + 2 * cores)
			.queueCapacity(0);
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
		registration.setMessageSizeLimit(frameLimit())
			.setSendBufferSizeLimit(512 * 1024)
			.setSendTimeLimit(10_000)
			// The last added sees a message first: the cheap rate limit before the
			// backlog limit decodes it, and a connection is counted before either.
			.addDecoratorFactory(this.sendBacklogLimit)
			.addDecoratorFactory(this.frameRateLimit)
			.addDecoratorFactory(this.connectionLimit);
	}

	/**
	 * Tomcat takes a WebSocket message whole into a buffer of its own before Spring's
	 * STOMP decoder sees it (Spring's handler accepts no partial messages): 8 KB by
	 * default, text raised by Spring to 16 KB only, so the largest valid message
	 * JSON-escaped, or in a binary frame, was closed with 1009. As large as a frame may
	 * be.
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(frameLimit());
		container.setMaxBinaryMessageBufferSize(frameLimit());
		return container;
	}

	private int frameLimit() {
		return (int) this.properties.frameLimit().toBytes();
	}

	@Override
	public boolean configureMessageConverters(List<MessageConverter> converters) {
		// The application's JSON mapper: the same text rules as the REST API.
		converters.add(new JacksonJsonMessageConverter(this.jsonMapper));
		return false;
	}

	/**
	 * Browsers cannot set headers on a WebSocket upgrade, so {@code /ws/chat} also takes
	 * the token from {@code access_token} (API.md); every other path only from the
	 * header.
	 */
	@Bean
	BearerTokenResolver bearerTokenResolver() {
		DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
		DefaultBearerTokenResolver headerOrQuery = new DefaultBearerTokenResolver();
		headerOrQuery.setAllowUriQueryParameter(true);
		return (request) -> ENDPOINT.equals(request.getRequestURI()) ? headerOrQuery.resolve(request)
				: header.resolve(request);
	}

}
