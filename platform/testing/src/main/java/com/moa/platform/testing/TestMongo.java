package com.moa.platform.testing;

import java.net.InetSocketAddress;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.testcontainers.mongodb.MongoDBContainer;

import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A MongoDB database of its own for the test context: on a Testcontainers MongoDB, on the
 * server named by {@code MOA_TEST_MONGO_URI}, or on an in-process mongo-java-server (no
 * MongoDB package exists for these machines). mongo-java-server ignores TTL and
 * non-unique secondary indexes, so code must never depend on TTL alone.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestMongo {

	private static MongoDBContainer container;

	private static MongoServer embedded;

	private static String embeddedUri;

	@Bean
	MongoConnectionDetails testMongoConnectionDetails() {
		return createDatabase();
	}

	/**
	 * Chooses a new database name on the test server and returns how to connect to it.
	 */
	public static MongoConnectionDetails createDatabase() {
		String base = serverUri();
		String database = TestInfrastructure.uniqueName("moa_test");
		ConnectionString connection = new ConnectionString(withDatabase(base, database));
		return () -> connection;
	}

	private static String withDatabase(String uri, String database) {
		int query = uri.indexOf('?');
		String options = (query >= 0) ? uri.substring(query) : "";
		String withoutOptions = (query >= 0) ? uri.substring(0, query) : uri;
		int slash = withoutOptions.indexOf('/', "mongodb://".length());
		String hosts = (slash >= 0) ? withoutOptions.substring(0, slash) : withoutOptions;
		return hosts + "/" + database + options;
	}

	private static synchronized String serverUri() {
		String configured = TestInfrastructure.setting("MOA_TEST_MONGO_URI", null);
		if (configured != null) {
			return configured;
		}
		if (TestInfrastructure.mode() == TestInfrastructure.Mode.DOCKER) {
			if (container == null) {
				container = new MongoDBContainer(TestInfrastructure.MONGO_IMAGE);
				container.start();
			}
			return container.getConnectionString();
		}
		if (embedded == null) {
			embedded = new MongoServer(new MemoryBackend());
			InetSocketAddress address = embedded.bind();
			embeddedUri = "mongodb://127.0.0.1:" + address.getPort();
			Runtime.getRuntime().addShutdownHook(new Thread(embedded::shutdownNow, "mongo-java-server-stop"));
		}
		return embeddedUri;
	}

}
