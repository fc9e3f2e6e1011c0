package com.moa.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.mongodb.ConnectionString;
import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestRabbit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * chat-service on a MongoDB database of its own (through a {@link TcpProxy}), a RabbitMQ
 * vhost whose STOMP side the broker relay uses, and a second instance on the same
 * database and vhost when a test asks for one. Users arrive as real {@code user.*}
 * events; requests go over real HTTP and WebSocket connections.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "moa.chat.mongo-timeout=1s" })
@Import({ TestRabbit.class, ChatTestInfrastructure.class })
public abstract class ChatIntegrationTestSupport {

	protected static final TestJwts signer = TestJwts.withNewKey("chat-tests");

	private static final JwksServer jwks = new JwksServer(signer.jwksJson());

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext second;

	/**
	 * The broker relay reaches RabbitMQ's STOMP port through this (cut it for an outage).
	 */
	protected static final TcpProxy stompProxy = new TcpProxy(TestRabbit.stomp().host(), TestRabbit.stomp().port());

	@Autowired
	protected RabbitTemplate rabbit;

	@Autowired
	protected JsonMapper json;

	@Autowired
	protected MongoTemplate mongo;

	@Autowired
	protected TcpProxy mongoProxy;

	@Autowired
	private ConnectionString chatTestDatabase;

	@Autowired
	private RabbitConnectionDetails rabbitDetails;

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
		registry.add("moa.chat.stomp-port", stompProxy::port);
	}

	protected static String token(UUID userId, String role) {
		return signer.token(userId, role);
	}

	/** A user known to chat through {@code user.registered}, as auth-service sends it. */
	protected UUID user(String role, String name) {
		UUID id = UUID.randomUUID();
		publish("user.registered", id,
				Map.of("userId", id, "email", id + "@example.com", "name", name, "role", role, "locale", "ko"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.mongo.findById(id.toString(), org.bson.Document.class, "users") != null);
		return id;
	}

	/** Sends an event to the exchange as its producer would. */
	protected void publish(String type, UUID subject, Object data) {
		Map<String, Object> envelope = Map.of("id", UUID.randomUUID(), "source", "test", "type", type, "time",
				Instant.now(), "subject", subject, "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, type,
				MessageBuilder.withBody(this.json.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
	}

	/** A consumer's room with a new seller: [roomId, consumerId, sellerId]. */
	protected UUID[] room() {
		UUID seller = user("SELLER", "판매자");
		UUID consumer = user("CONSUMER", "구매자");
		Response opened = post(this.port, "/api/chat/rooms", consumer, Map.of("sellerId", seller));
		if (opened.status() != 201) {
			throw new AssertionError(opened.toString());
		}
		return new UUID[] { UUID.fromString(opened.json().get("id").asString()), consumer, seller };
	}

	/** An HTTP answer. */
	protected record Response(int status, String body, JsonMapper mapper, HttpHeaders headers) {

		/** A response header's first value, or null. */
		public String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		public JsonNode json() {
			return this.mapper.readTree(this.body);
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

	protected Response get(int port, String path, UUID user) {
		return send(port, "GET", path, user, null);
	}

	protected Response post(int port, String path, UUID user, Object body) {
		return send(port, "POST", path, user, this.json.writeValueAsString(body));
	}

	protected Response send(int port, String method, String path, UUID user, String body) {
		return send(port, method, path, user, "CONSUMER", body);
	}

	/** A request with a token of the role (the methods above send a consumer's). */
	protected Response send(int port, String method, String path, UUID user, String role, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (user != null) {
			request.header("Authorization", "Bearer " + token(user, role));
		}
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), this.json, response.headers());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	protected String vhost() {
		return this.rabbitDetails.getVirtualHost();
	}

	/**
	 * A second chat-service on the same database and vhost (started once, shared by the
	 * test classes of this context).
	 */
	protected synchronized int secondInstancePort() {
		if (second == null) {
			second = startInstance(this.chatTestDatabase.toString(), this.rabbitDetails);
			Runtime.getRuntime().addShutdownHook(new Thread(second::close));
		}
		// run() returns before the broker relay's own connection to RabbitMQ is up; a
		// CONNECT before that is an ERROR "Broker not available".
		HealthIndicator broker = second.getBean("stompBroker", HealthIndicator.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> broker.health().getStatus() == Status.UP);
		return portOf(second);
	}

	/**
	 * Another chat-service on a database and vhost of the caller's choice, with this
	 * context's token keys; the caller closes it.
	 */
	protected static ConfigurableApplicationContext startInstance(String mongoUri, RabbitConnectionDetails rabbit,
			String... more) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spring.mongodb.uri=" + mongoUri,
				"--spring.rabbitmq.host=" + rabbit.getFirstAddress().host(),
				"--spring.rabbitmq.port=" + rabbit.getFirstAddress().port(),
				"--spring.rabbitmq.username=" + rabbit.getUsername(),
				"--spring.rabbitmq.password=" + rabbit.getPassword(),
				"--spring.rabbitmq.virtual-host=" + rabbit.getVirtualHost(), "--moa.security.jwk-set-uri=" + jwks.uri(),
				"--moa.chat.stomp-port=" + TestRabbit.stomp().port()));
		arguments.addAll(List.of(more));
		// Arguments, not default properties: those would lose to application.yml.
		return new SpringApplicationBuilder(ChatServiceApplication.class).run(arguments.toArray(String[]::new));
	}

	protected static int portOf(ConfigurableApplicationContext instance) {
		return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
	}

}
