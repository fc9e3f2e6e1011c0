package com.moa.platform.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.testcontainers.DockerClientFactory;

/**
 * Decides once per JVM whether tests use Testcontainers or the local servers, and checks
 * that a needed local server answers before a test waits on it.
 * <p>
 * {@code MOA_TEST_INFRA=docker|local} forces the choice; otherwise Docker is used when an
 * engine answers.
 */
public final class TestInfrastructure {

	/** Where test servers come from. */
	public enum Mode {

		DOCKER, LOCAL

	}

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
				|| Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
		return (engineConfigured && DockerClientFactory.instance().isDockerAvailable()) ? Mode.DOCKER : Mode.LOCAL;
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
