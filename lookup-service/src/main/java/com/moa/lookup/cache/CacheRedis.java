package com.moa.lookup.cache;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.StringUtils;

/**
 * The Redis that may evict, with its own availability: the response cache and the view
 * markers, whose loss costs a miss or at most one extra view. Not a
 * {@code StringRedisTemplate} bean of its own: Boot's Redis auto-configuration backs off
 * when one exists, and the view totals need Boot's.
 */
public final class CacheRedis implements DisposableBean {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private final StringRedisTemplate template;

	private final RedisAvailability availability = new RedisAvailability("response cache, view markers");

	private final LettuceConnectionFactory ownFactory;

	private CacheRedis(StringRedisTemplate template, LettuceConnectionFactory ownFactory) {
		this.template = template;
		this.ownFactory = ownFactory;
	}

	/** A Redis of its own at {@code url}, or the main one when there is none. */
	static CacheRedis of(String url, StringRedisTemplate main) {
		if (!StringUtils.hasText(url)) {
			return new CacheRedis(main, null);
		}
		RedisURI uri = RedisURI.create(url);
		RedisStandaloneConfiguration server = server(uri);
		LettuceClientConfiguration client = client(uri);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client);
		factory.afterPropertiesSet();
		factory.start();
		return new CacheRedis(new StringRedisTemplate(factory), factory);
	}

	/** Host, port, database and the credentials of an ACL user or a password. */
	static RedisStandaloneConfiguration server(RedisURI uri) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
		server.setDatabase(uri.getDatabase());
		if (uri.getUsername() != null) {
			server.setUsername(uri.getUsername());
		}
		if (uri.getPassword() != null) {
			server.setPassword(uri.getPassword());
		}
		return server;
	}

	/**
	 * Short timeouts, commands refused at once while disconnected, and TLS for a
	 * {@code rediss://} URL (a managed Redis with encryption in transit; the URL's TLS
	 * was ignored, so lookup ran without its cache there).
	 */
	static LettuceClientConfiguration client(RedisURI uri) {
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
			.commandTimeout(TIMEOUT)
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
				.build());
		if (uri.isSsl()) {
			client.useSsl();
		}
		return client.build();
	}

	public StringRedisTemplate template() {
		return this.template;
	}

	public RedisAvailability availability() {
		return this.availability;
	}

	@Override
	public void destroy() {
		if (this.ownFactory != null) {
			this.ownFactory.destroy();
		}
	}

}
