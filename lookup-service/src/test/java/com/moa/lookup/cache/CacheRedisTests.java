package com.moa.lookup.cache;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code moa.lookup.cache.redis-url} as operators write it (infra/k8s/README.md): TLS
 * with {@code rediss://} and an ACL user in the URL reach the client (both were dropped,
 * so a managed cache Redis with TLS or users could not be used).
 */
class CacheRedisTests {

	@Test
	void aRedissUrlWithAnAclUserConnectsWithTlsAsThatUser() {
		RedisURI uri = RedisURI.create("rediss://moa-cache:s3cret@cache.db.example.net:6380/2");

		RedisStandaloneConfiguration server = CacheRedis.server(uri);

		assertThat(server.getHostName()).isEqualTo("cache.db.example.net");
		assertThat(server.getPort()).isEqualTo(6380);
		assertThat(server.getDatabase()).isEqualTo(2);
		assertThat(server.getUsername()).isEqualTo("moa-cache");
		assertThat(server.getPassword().get()).isEqualTo("s3cret".toCharArray());
		assertThat(CacheRedis.client(uri).isUseSsl()).isTrue();
	}

	@Test
	void aPlainUrlWithAPasswordOnlyHasNeitherTlsNorAUser() {
		RedisURI uri = RedisURI.create("redis://:s3cret@redis-cache:6379/0");

		assertThat(CacheRedis.server(uri).getUsername()).isNull();
		assertThat(CacheRedis.server(uri).getPassword().get()).isEqualTo("s3cret".toCharArray());
		assertThat(CacheRedis.client(uri).isUseSsl()).isFalse();
	}

}
