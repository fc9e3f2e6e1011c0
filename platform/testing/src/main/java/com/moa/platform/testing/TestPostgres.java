package com.moa.platform.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A freshly created PostgreSQL database for the test context, on a Testcontainers server
 * or on the local server
 * ({@code MOA_TEST_PG_HOST}/{@code _PORT}/{@code _USER}/{@code _PASSWORD}, by default
 * 127.0.0.1:5432 as {@code moa_test}, the role {@code ./moa infra} creates). The database
 * is dropped when the JVM exits.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestPostgres {

	static final String PREFIX = "moa_test";

	private static PostgreSQLContainer container;

	@Bean
	JdbcConnectionDetails testPostgresConnectionDetails() {
		return createDatabase();
	}

	/**
	 * The same database reached through a proxy in front of its server, for outage tests
	 * that cut the connection.
	 */
	public static JdbcConnectionDetails through(TcpProxy proxy, JdbcConnectionDetails details) {
		String database = server(details).getPath();
		String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + database;
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return details.getUsername();
			}

			@Override
			public String getPassword() {
				return details.getPassword();
			}

			@Override
			public String getJdbcUrl() {
				return url;
			}

		};
	}

	/** A proxy in front of the server of the database, for {@link #through}. */
	public static TcpProxy proxyFor(JdbcConnectionDetails details) {
		URI server = server(details);
		return new TcpProxy(server.getHost(), server.getPort());
	}

	private static URI server(JdbcConnectionDetails details) {
		return URI.create(details.getJdbcUrl().substring("jdbc:".length()));
	}

	/** Creates a new empty database and returns how to connect to it. */
	public static JdbcConnectionDetails createDatabase() {
		Server server = server();
		String database = TestInfrastructure.uniqueName(PREFIX);
		try (Connection admin = DriverManager.getConnection(server.url("postgres"), server.user(), server.password());
				Statement statement = admin.createStatement()) {
			dropStale(statement);
			statement.execute("CREATE DATABASE " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create test database on " + server.url("postgres") + " as "
					+ server.user() + ". Run `./moa infra` to create the test role.", ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(server, database), "drop-" + database));
		String url = server.url(database);
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return server.user();
			}

			@Override
			public String getPassword() {
				return server.password();
			}

			@Override
			public String getJdbcUrl() {
				return url;
			}

		};
	}

	private static synchronized Server server() {
		if (TestInfrastructure.mode() == TestInfrastructure.Mode.DOCKER) {
			if (container == null) {
				container = new PostgreSQLContainer(TestInfrastructure.POSTGRES_IMAGE);
				container.start();
			}
			return new Server(container.getHost(), container.getMappedPort(5432), container.getUsername(),
					container.getPassword());
		}
		String host = TestInfrastructure.setting("MOA_TEST_PG_HOST", "127.0.0.1");
		int port = TestInfrastructure.intSetting("MOA_TEST_PG_PORT", 5432);
		TestInfrastructure.requireReachable("PostgreSQL", host, port);
		return new Server(host, port, TestInfrastructure.setting("MOA_TEST_PG_USER", "moa_test"),
				// Development default, matching infra/local: not a secret.
				TestInfrastructure.setting("MOA_TEST_PG_PASSWORD", "moa_test"));
	}

	private static void dropStale(Statement statement) throws SQLException {
		List<String> stale = new ArrayList<>();
		try (ResultSet rows = statement
			.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "\\_%'")) {
			while (rows.next()) {
				String name = rows.getString(1);
				if (TestInfrastructure.isStale(name, PREFIX, 6)) {
					stale.add(name);
				}
			}
		}
		for (String name : stale) {
			statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
	}

	private static void drop(Server server, String database) {
		try (Connection admin = DriverManager.getConnection(server.url("postgres"), server.user(), server.password());
				Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
		catch (SQLException ex) {
			// Best effort at exit; a later run prunes what is left.
		}
	}

	record Server(String host, int port, String user, String password) {

		String url(String database) {
			return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + database;
		}

	}

}
