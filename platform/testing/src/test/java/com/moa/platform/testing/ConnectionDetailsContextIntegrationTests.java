package com.moa.platform.testing;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class only names the servers it needs; Boot's auto-configuration connects to
 * them.
 */
@SpringBootTest(classes = ConnectionDetailsContextIntegrationTests.Config.class)
class ConnectionDetailsContextIntegrationTests {

	@Autowired
	DataSource dataSource;

	@Autowired
	StringRedisTemplate redis;

	@Test
	void autoConfiguredClientsTalkToTheTestServers() {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).startsWith("moa_test_");
		this.redis.opsForValue().set("greeting", "안녕");
		assertThat(this.redis.opsForValue().get("greeting")).isEqualTo("안녕");
	}

	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataRedisAutoConfiguration.class })
	@Import({ TestPostgres.class, TestRedis.class })
	static class Config {

	}

}
