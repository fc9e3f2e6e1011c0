package com.moa.tools.mongo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB-wire-compatible server for local mode (no MongoDB package exists for these
 * machines): mongo-java-server with its H2 backend, so data survives restarts, in one
 * file. Services reach it by URI exactly as they reach real MongoDB.
 *
 * <p>
 * Settings (environment): {@code MOA_MONGO_HOST} (127.0.0.1), {@code MOA_MONGO_PORT}
 * (27017), {@code MOA_MONGO_DATA} (the H2 file, {@code .moa/mongo/moa.mv.db}).
 */
public final class MongoWireServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MongoWireServer.class);

	private final MongoServer server;

	private final InetSocketAddress address;

	private MongoWireServer(MongoServer server, InetSocketAddress address) {
		this.server = server;
		this.address = address;
	}

	/** Opens (or creates) the data file and listens. */
	public static MongoWireServer start(String host, int port, Path dataFile) throws IOException {
		Path parent = dataFile.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		MongoServer server = new MongoServer(new H2Backend(dataFile.toString()));
		server.bind(host, port);
		return new MongoWireServer(server, server.getLocalAddress());
	}

	public InetSocketAddress address() {
		return this.address;
	}

	/** Stops listening and closes the data file (its last changes are written). */
	@Override
	public void close() {
		this.server.shutdown();
	}

	public static void main(String[] args) throws Exception {
		String host = setting("MOA_MONGO_HOST", "127.0.0.1");
		int port = Integer.parseInt(setting("MOA_MONGO_PORT", "27017"));
		Path data = Path.of(setting("MOA_MONGO_DATA", ".moa/mongo/moa.mv.db"));
		MongoWireServer server = start(host, port, data);
		Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mongo-wire-shutdown"));
		log.info("MongoDB-wire server on mongodb://{}:{} (data: {})", host, server.address().getPort(),
				data.toAbsolutePath());
		Thread.currentThread().join();
	}

	private static String setting(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

}
