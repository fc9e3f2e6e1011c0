package com.moa.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.testcontainers.rabbitmq.RabbitMQContainer;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A RabbitMQ virtual host of its own for the test context, so exchanges and queues of one
 * suite never meet another's. Created through the management API (enabled by
 * {@code ./moa infra}); local server
 * {@code MOA_TEST_RABBIT_HOST}/{@code _PORT}/{@code _MANAGEMENT_PORT}, guest/guest by
 * default.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestRabbit {

	static final String PREFIX = "moa_test";

	static final int STOMP_PORT = 61613;

	private static final Pattern VHOST_NAME = Pattern.compile("\"name\":\"(" + PREFIX + "_[^\"]+)\"");

	private static RabbitMQContainer container;

	@Bean
	RabbitConnectionDetails testRabbitConnectionDetails() {
		return createVirtualHost();
	}

	/** Creates an empty virtual host and returns how to connect to it. */
	public static RabbitConnectionDetails createVirtualHost() {
		Server server = server();
		String vhost = TestInfrastructure.uniqueName(PREFIX);
		try {
			pruneStale(server);
			server.send("PUT", "/api/vhosts/" + encode(vhost), "{}");
			server.send("PUT", "/api/permissions/" + encode(vhost) + "/" + encode(server.user()),
					"{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create RabbitMQ vhost through the management API at "
					+ server.managementUri() + ". Run `./moa infra` (it enables rabbitmq_management).", ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				server.send("DELETE", "/api/vhosts/" + encode(vhost), null);
			}
			catch (IOException ex) {
				// Best effort at exit; a later run prunes what is left.
			}
		}));
		return new RabbitConnectionDetails() {

			@Override
			public String getUsername() {
				return server.user();
			}

			@Override
			public String getPassword() {
				return server.password();
			}

			@Override
			public String getVirtualHost() {
				return vhost;
			}

			@Override
			public List<Address> getAddresses() {
				return List.of(new Address(server.host(), server.amqpPort()));
			}

		};
	}

	/**
	 * Runs {@code rabbitmqctl} against the local broker (stopping it, raising a resource
	 * alarm) and returns its exit code; -1 when it cannot be run here (no local broker,
	 * as under Testcontainers) or took over a minute: callers assume it is 0 first.
	 */
	public static int rabbitmqctl(String... arguments) throws InterruptedException {
		List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
		command.addAll(List.of(arguments));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			return -1;
		}
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			return -1;
		}
		return process.exitValue();
	}

	/**
	 * RabbitMQ's STOMP plugin (chat-service's broker relay), reachable or the test fails
	 * with how to fix it.
	 */
	public static Stomp stomp() {
		Server server = server();
		TestInfrastructure.requireReachable("RabbitMQ STOMP (rabbitmq_stomp)", server.host(), server.stompPort());
		return new Stomp(server.host(), server.stompPort(), server.user(), server.password());
	}

	/** A GET on the management API, such as {@code /api/queues/<vhost>}. */
	public static String management(String path) {
		try {
			return server().send("GET", path, null);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @param host the broker's host
	 * @param port its STOMP port
	 * @param login the login
	 * @param passcode its password
	 */
	public record Stomp(String host, int port, String login, String passcode) {
	}

	private static synchronized Server server() {
		if (TestInfrastructure.mode() == TestInfrastructure.Mode.DOCKER) {
			if (container == null) {
				container = new RabbitMQContainer(TestInfrastructure.RABBITMQ_IMAGE);
				container.addExposedPort(STOMP_PORT);
				container.start();
				try {
					// chat-service's broker relay (the plugin ships with the image).
					container.execInContainer("rabbitmq-plugins", "enable", "rabbitmq_stomp");
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			return new Server(container.getHost(), container.getAmqpPort(), container.getHttpPort(),
					container.getMappedPort(STOMP_PORT), container.getAdminUsername(), container.getAdminPassword());
		}
		String host = TestInfrastructure.setting("MOA_TEST_RABBIT_HOST", "127.0.0.1");
		int port = TestInfrastructure.intSetting("MOA_TEST_RABBIT_PORT", 5672);
		int managementPort = TestInfrastructure.intSetting("MOA_TEST_RABBIT_MANAGEMENT_PORT", 15672);
		TestInfrastructure.requireReachable("RabbitMQ", host, port);
		TestInfrastructure.requireReachable("RabbitMQ management", host, managementPort);
		// RabbitMQ's built-in guest account, usable from localhost only: a development
		// default.
		int stompPort = TestInfrastructure.intSetting("MOA_TEST_RABBIT_STOMP_PORT", STOMP_PORT);
		return new Server(host, port, managementPort, stompPort,
				TestInfrastructure.setting("MOA_TEST_RABBIT_USER", "guest"),
				TestInfrastructure.setting("MOA_TEST_RABBIT_PASSWORD", "guest"));
	}

	private static void pruneStale(Server server) throws IOException {
		Matcher names = VHOST_NAME.matcher(server.send("GET", "/api/vhosts?columns=name", null));
		while (names.find()) {
			if (TestInfrastructure.isStale(names.group(1), PREFIX, 6)) {
				server.send("DELETE", "/api/vhosts/" + encode(names.group(1)), null);
			}
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	record Server(String host, int amqpPort, int managementPort, int stompPort, String user, String password) {

		private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

		URI managementUri() {
			return URI.create("http://" + this.host + ":" + this.managementPort);
		}

		String send(String method, String path, String json) throws IOException {
			String credentials = Base64.getEncoder()
				.encodeToString((this.user + ":" + this.password).getBytes(StandardCharsets.UTF_8));
			HttpRequest request = HttpRequest.newBuilder(managementUri().resolve(path))
				.timeout(Duration.ofSeconds(10))
				.header("Authorization", "Basic " + credentials)
				.header("Content-Type", "application/json")
				.method(method,
						(json != null) ? HttpRequest.BodyPublishers.ofString(json)
								: HttpRequest.BodyPublishers.noBody())
				.build();
			try {
				HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() >= 300 && response.statusCode() != 404) {
					throw new IOException(
							method + " " + path + " answered " + response.statusCode() + ": " + response.body());
				}
				return response.body();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}

	}

}
