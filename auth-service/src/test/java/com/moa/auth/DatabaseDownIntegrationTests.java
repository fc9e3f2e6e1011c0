package com.moa.auth;

import java.time.Duration;

import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With PostgreSQL cut off, a request that needs a transaction is a 503 to retry (it was a
 * 500, logged as a bug), and the service serves again once the database is back. With
 * PostgreSQL silent (connections open, no replies), the same within the socket timeout
 * (this test's 2 s, 90 s in application.yml): it was never.
 */
@SpringBootTest(properties = { "moa.auth.password.bcrypt-cost=4", "spring.datasource.hikari.connection-timeout=1000",
		"spring.datasource.hikari.data-source-properties.socketTimeout=2" })
@AutoConfigureMockMvc
@Import({ DatabaseDownIntegrationTests.DatabaseThroughProxy.class, TestRabbit.class })
class DatabaseDownIntegrationTests {

	static TcpProxy proxy;

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JdbcClient jdbc;

	@AfterAll
	static void closeProxy() {
		proxy.close();
	}

	@Test
	void aTransactionWithoutADatabaseIs503ThenServesAgain() {
		String login = """
				{"email":"nobody-%d@example.com","password":"whatever 1"}""".formatted(System.nanoTime());
		assertThat(login(login)).hasStatus(HttpStatus.UNAUTHORIZED);

		proxy.cut();
		try {
			// The first on a pooled connection the cut dropped, the next waiting for
			// a new one.
			for (int i = 0; i < 2; i++) {
				assertThat(login(login)).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
					.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
					.hasHeader("Retry-After", "2");
			}
			// Every instance shares the database: none leaves the balancer for it, and
			// the
			// health endpoint names what is down.
			assertThat(this.mvc.get().uri("/actuator/health/readiness")).hasStatusOk();
			assertThat(this.mvc.get().uri("/actuator/health")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
				.bodyJson()
				.extractingPath("$.components.db.status")
				.isEqualTo("DOWN");
		}
		finally {
			proxy.restore();
		}

		// The pool reconnects with its own back-off (up to seconds apart).
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(login(login)).hasStatus(HttpStatus.UNAUTHORIZED));
	}

	@Test
	void aDatabaseThatStopsAnsweringIs503WithinTheSocketTimeoutThenServesAgain() {
		assertThat(this.jdbc.sql("SHOW statement_timeout").query(String.class).single()).isEqualTo("1min");
		assertThat(this.jdbc.sql("SHOW tcp_keepalives_idle").query(String.class).single()).isEqualTo("30");
		assertThat(this.jdbc.sql("SHOW tcp_keepalives_count").query(String.class).single()).isEqualTo("3");
		String login = """
				{"email":"silent-%d@example.com","password":"whatever 1"}""".formatted(System.nanoTime());
		// Just used, so the pool lends the connection again without validating it (it
		// skips that within 500 ms of its last use): the statement itself meets the
		// silence.
		assertThat(login(login)).hasStatus(HttpStatus.UNAUTHORIZED);
		proxy.stall();
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> assertThat(login(login)).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
						.hasContentType(MediaType.APPLICATION_PROBLEM_JSON));
		}
		finally {
			proxy.restore();
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(login(login)).hasStatus(HttpStatus.UNAUTHORIZED));
	}

	private MvcTestResult login(String json) {
		return this.mvc.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.content(json)
			.with((request) -> {
				request.setRemoteAddr("10.77.0." + (System.nanoTime() % 250 + 1));
				return request;
			})
			.exchange();
	}

	/** A fresh test database, reached through a proxy the test can cut. */
	@TestConfiguration(proxyBeanMethods = false)
	static class DatabaseThroughProxy {

		@Bean
		JdbcConnectionDetails databaseThroughProxy() {
			JdbcConnectionDetails database = TestPostgres.createDatabase();
			proxy = TestPostgres.proxyFor(database);
			return TestPostgres.through(proxy, database);
		}

	}

}
