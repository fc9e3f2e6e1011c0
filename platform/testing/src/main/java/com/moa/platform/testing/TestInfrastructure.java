package com.moa.platform.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadLocalRandom;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Decides once per JVM whether tests use Testcontainers or the local servers, and checks
 * that a needed local server answers before a test waits on it.
 * <p>
 * {@code MOA_TEST_INFRA=docker|local} forces the choice; otherwise Docker is used when an
 * engine answers and can get the images: they are present, or a registry answers.
 */
public final class TestInfrastructure {

	/** Where test servers come from. */
	public enum Mode {

		DOCKER, LOCAL

	}

	static final String POSTGRES_IMAGE = "postgres:17-alpine";

	static final String REDIS_IMAGE = "redis:7-alpine";

	static final String RABBITMQ_IMAGE = "rabbitmq:4-management-alpine";

	static final String MONGO_IMAGE = "mongo:7";

	private static final List<String> IMAGES = List.of(POSTGRES_IMAGE, REDIS_IMAGE, RABBITMQ_IMAGE, MONGO_IMAGE);

	static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

	private static volatile Mode mode;

	private TestInfrastructure() {
	}

	public static Mode mode() {
		Mode current = mode;
		if (current == null) {
			synchronized (TestInfrastructure.class) {
				current = mode;
				if (current == null) {
					current = detect();
					mode = current;
				}
			}
		}
		return current;
	}

	private static Mode detect() {
		String forced = setting("MOA_TEST_INFRA", null);
		if (forced != null && !forced.isBlank()) {
			return Mode.valueOf(forced.trim().toUpperCase(Locale.ROOT));
		}
		// Ask Testcontainers only where an engine could be: it logs alarming errors when
		// none is.
		boolean engineConfigured = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
				|| Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
				|| namesAnEngine(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
		if (!engineConfigured) {
			return Mode.LOCAL;
		}
		// Asked through a bare client: DockerClientFactory, isDockerAvailable() too,
		// starts Ryuk at once, itself an image to pull.
		List<DockerClientProviderStrategy> strategies = new ArrayList<>();
		ServiceLoader.load(DockerClientProviderStrategy.class).forEach(strategies::add);
		try (DockerClient client = DockerClientProviderStrategy.getFirstValidStrategy(strategies).getDockerClient()) {
			// An engine that has neither the images nor a registry (one started only for
			// ./moa compose-smoke) would fail every suite at its first pull.
			if (imagesObtainable(client)) {
				return Mode.DOCKER;
			}
			System.err.println("[moa tests] A Docker engine answers, but the test images are not present and "
					+ "no registry is reachable: using the local servers (./moa infra). "
					+ "MOA_TEST_INFRA=docker forces Testcontainers.");
			return Mode.LOCAL;
		}
		catch (IllegalStateException | IOException ex) {
			return Mode.LOCAL;
		}
	}

	/**
	 * Whether Testcontainers' settings point at an engine; the file alone is no sign of
	 * one (Testcontainers writes it after any run, e.g. once while an engine was up).
	 */
	static boolean namesAnEngine(Path settings) {
		try {
			return Files.exists(settings) && Files.readString(settings).matches("(?s).*\\b(docker|tc)\\.host\\s*=.*");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean imagesObtainable(DockerClient client) {
		List<String> needed = new ArrayList<>(IMAGES);
		if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
			needed.add(TestcontainersConfiguration.getInstance().getRyukImage());
		}
		boolean allPresent = needed.stream().allMatch((image) -> present(client, image));
		if (allPresent) {
			return true;
		}
		// A configured mirror serves the pulls (docker-java types the list as Object).
		if (client.infoCmd().exec().getRegistryConfig().getMirrors() instanceof List<?> mirrors && !mirrors.isEmpty()) {
			return true;
		}
		DockerImageName image = ImageNameSubstitutor.instance().apply(DockerImageName.parse(POSTGRES_IMAGE));
		String registry = image.getRegistry().isEmpty() ? "registry-1.docker.io" : image.getRegistry();
		return answers(URI.create("https://" + registry + "/v2/"));
	}

	private static boolean present(DockerClient client, String image) {
		try {
			client
				.inspectImageCmd(
						ImageNameSubstitutor.instance().apply(DockerImageName.parse(image)).asCanonicalNameString())
				.exec();
			return true;
		}
		catch (NotFoundException ex) {
			return false;
		}
	}

	/** Any HTTP answer (a registry's is 401) means it can be reached. */
	private static boolean answers(URI uri) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		try {
			http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.discarding());
			return true;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** A setting from a system property or environment variable of the same name. */
	static String setting(String name, String defaultValue) {
		String value = System.getProperty(name);
		if (value == null) {
			value = System.getenv(name);
		}
		return (value != null && !value.isBlank()) ? value : defaultValue;
	}

	static int intSetting(String name, int defaultValue) {
		return Integer.parseInt(setting(name, String.valueOf(defaultValue)));
	}

	/**
	 * Fails at once, with the command that fixes it, when a local server does not accept
	 * connections.
	 */
	public static void requireReachable(String server, String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
		}
		catch (IOException ex) {
			throw new IllegalStateException(server + " is not reachable at " + host + ":" + port
					+ " and no Docker engine is available for Testcontainers. "
					+ "Start the local servers with `./moa infra` (installs and starts PostgreSQL, Redis and "
					+ "RabbitMQ), then run the tests again.", ex);
		}
	}

	/**
	 * A unique, sortable name for per-run test resources:
	 * {@code prefix_yyyyMMddHHmmss_xxxxxx}.
	 */
	static String uniqueName(String prefix) {
		String time = LocalDateTime.now(ZoneOffset.UTC).format(NAME_TIME);
		String random = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
		return prefix + "_" + time + "_" + random;
	}

	/**
	 * Whether a name made by {@link #uniqueName} is older than the given hours (left by a
	 * killed run).
	 */
	static boolean isStale(String name, String prefix, int hours) {
		String rest = name.substring(prefix.length() + 1);
		int end = rest.indexOf('_');
		if (end != 14) {
			return false;
		}
		try {
			LocalDateTime created = LocalDateTime.parse(rest.substring(0, end), NAME_TIME);
			return created.isBefore(LocalDateTime.now(ZoneOffset.UTC).minusHours(hours));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
