package com.moa.platform.testing;

import java.io.IOException;
import java.util.UUID;

import com.redis.testcontainers.RedisContainer;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A Redis logical database of its own for the test context, emptied when leased: DBs 1–15
 * are handed out through lease keys in DB 0, so concurrent and repeated runs never share
 * keys. Local server: {@code MOA_TEST_REDIS_HOST}/{@code _PORT}, by default
 * 127.0.0.1:6379.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestRedis {

	private static final int DATABASES = 16;

	// Leases expire on their own, so a killed run frees its DB within hours.
	private static final String LEASE_SECONDS = String.valueOf(6 * 3600);

	private static RedisContainer container;

	@Bean
	DataRedisConnectionDetails testRedisConnectionDetails() {
		return leaseDatabase();
	}

	/**
	 * The same database reached through a proxy in front of its server, for outage tests
	 * that cut the connection.
	 */
	public static DataRedisConnectionDetails through(TcpProxy proxy, DataRedisConnectionDetails details) {
		int database = details.getStandalone().getDatabase();
		return new DataRedisConnectionDetails() {
			@Override
			public Standalone getStandalone() {
				return Standalone.of("127.0.0.1", proxy.port(), database);
			}
		};
	}

	/** Leases an empty logical database and returns how to connect to it. */
	public static DataRedisConnectionDetails leaseDatabase() {
		String[] hostPort = server();
		String host = hostPort[0];
		int port = Integer.parseInt(hostPort[1]);
		String owner = UUID.randomUUID().toString();
		try (RespClient redis = new RespClient(host, port)) {
			for (int db = 1; db < DATABASES; db++) {
				if ("OK".equals(redis.call("SET", leaseKey(db), owner, "NX", "EX", LEASE_SECONDS))) {
					redis.call("SELECT", String.valueOf(db));
					redis.call("FLUSHDB");
					int leased = db;
					Runtime.getRuntime().addShutdownHook(new Thread(() -> release(host, port, leased, owner)));
					return new DataRedisConnectionDetails() {
						@Override
						public Standalone getStandalone() {
							return Standalone.of(host, port, leased);
						}
					};
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not lease a Redis database at " + host + ":" + port, ex);
		}
		throw new IllegalStateException("All Redis test databases 1-" + (DATABASES - 1) + " on " + host + ":" + port
				+ " are leased by other runs; wait or clear them with `redis-cli -n 0 del $(redis-cli -n 0 keys 'moa:test-lease:*')`");
	}

	private static String leaseKey(int db) {
		return "moa:test-lease:" + db;
	}

	private static synchronized String[] server() {
		if (TestInfrastructure.mode() == TestInfrastructure.Mode.DOCKER) {
			if (container == null) {
				container = new RedisContainer(TestInfrastructure.REDIS_IMAGE);
				container.start();
			}
			return new String[] { container.getRedisHost(), String.valueOf(container.getRedisPort()) };
		}
		String host = TestInfrastructure.setting("MOA_TEST_REDIS_HOST", "127.0.0.1");
		int port = TestInfrastructure.intSetting("MOA_TEST_REDIS_PORT", 6379);
		TestInfrastructure.requireReachable("Redis", host, port);
		return new String[] { host, String.valueOf(port) };
	}

	private static void release(String host, int port, int db, String owner) {
		try (RespClient redis = new RespClient(host, port)) {
			if (owner.equals(redis.call("GET", leaseKey(db)))) {
				redis.call("SELECT", String.valueOf(db));
				redis.call("FLUSHDB");
				redis.call("SELECT", "0");
				redis.call("DEL", leaseKey(db));
			}
		}
		catch (IOException ex) {
			// Best effort at exit; the lease expires by itself.
		}
	}

}
