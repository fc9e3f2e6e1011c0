package com.moa.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.moa.platform.testing.LocalPorts;

/**
 * One service's packaged jar running as its own process, as in production, with its log
 * under {@code e2e/target/e2e-logs/}.
 */
final class ServiceProcess implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final String name;

	private final int port;

	private final Process process;

	private final Path log;

	private ServiceProcess(String name, int port, Process process, Path log) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts {@code <module>/target/<module>-<version>.jar} with the given Spring
	 * arguments.
	 */
	static ServiceProcess start(String module, int port, List<String> springArgs) throws IOException {
		Path root = Path.of(System.getProperty("moa.root", ".."));
		Path jar = root.resolve(module)
			.resolve("target")
			.resolve(module + "-" + System.getProperty("moa.version", "0.1.0-SNAPSHOT") + ".jar");
		if (!Files.exists(jar)) {
			throw new IllegalStateException(
					jar + " is missing: build it first (./mvnw -B verify builds it before e2e)");
		}
		Path logs = root.resolve("e2e/target/e2e-logs");
		Files.createDirectories(logs);
		Path log = logs.resolve(module + ".log");
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-Xss512k", "-Xmx384m", "-jar", jar.toString(), "--server.port=" + port));
		command.addAll(springArgs);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new ServiceProcess(module, port, process, log);
	}

	static int freePort() {
		return LocalPorts.free();
	}

	private static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	int port() {
		return this.port;
	}

	/**
	 * Waits until the readiness probe answers UP; fails early, with the log's tail, if
	 * the process dies.
	 */
	ServiceProcess awaitReady(Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						this.name + " exited with " + this.process.exitValue() + ":\n" + tail());
			}
			try {
				HttpResponse<String> response = HTTP.send(probe, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return this;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException(this.name + " not ready within " + timeout + ":\n" + tail());
	}

	/** The log so far. */
	List<String> logLines() throws IOException {
		return Files.readAllLines(this.log);
	}

	String tail() {
		try {
			List<String> lines = logLines();
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/** Asks the service to shut down gracefully (SIGTERM) without waiting. */
	void signalStop() {
		this.process.destroy();
	}

	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
