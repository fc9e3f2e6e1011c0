package com.moa.lookup.view;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.lookup.cache.RedisAvailability;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the connection to PostgreSQL cut, detail pages still answer from the cache and
 * count their views in Redis; the flush fails round after round with one short warning,
 * not the scheduler's error and stack trace each time, and writes every view once
 * PostgreSQL is back.
 */
@Import(ViewFlushOutageIntegrationTests.ProxiedPostgres.class)
@TestPropertySource(
		properties = { "moa.lookup.views.flush-interval=PT0.2S", "spring.datasource.hikari.connection-timeout=1000" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ViewFlushOutageIntegrationTests extends LookupIntegrationTestSupport {

	private static final String WARNING = "View counts not flushed (they stay dirty in Redis";

	private static TcpProxy postgresProxy;

	@Autowired
	ViewCounter counter;

	@Autowired
	RedisAvailability viewTotals;

	@Test
	void viewsCountedWhilePostgresIsDownAreFlushedWhenItReturnsWithOneWarning(CapturedOutput output)
			throws InterruptedException {
		Product product = product("Outage " + uniqueToken());
		// Its detail is then cached, and its total is in Redis (the test client's view).
		publishAndAwait(product);
		awaitFlushedViewCount(product.id, 1);
		assertThat(get("/api/products/" + product.id)).hasStatusOk();

		postgresProxy.cut();
		try {
			for (int i = 0; i < 5; i++) {
				viewByNewVisitor(product.id);
			}
			// Flush rounds every 0.2 s, each waiting the pool's 1 s for a connection.
			Thread.sleep(4000);
		}
		finally {
			postgresProxy.restore();
		}

		awaitPostgres();
		awaitFlushedViewCount(product.id, 6);
		assertThat(output).doesNotContain("Unexpected error occurred in scheduled task");
		List<String> lines = output.getAll().lines().toList();
		List<Integer> warnings = IntStream.range(0, lines.size())
			.filter((i) -> lines.get(i).contains(WARNING))
			.boxed()
			.toList();
		assertThat(warnings).as("warnings").hasSize(1);
		// Without a stack trace: the next line, if any, is another log line.
		int next = warnings.get(0) + 1;
		if (next < lines.size()) {
			assertThat(lines.get(next)).matches("\\d{4}-\\d{2}-\\d{2}T.*");
		}
	}

	/**
	 * A product's first view needs its flushed total from PostgreSQL to seed Redis's:
	 * with PostgreSQL away the view is held and added later, and Redis, which answered,
	 * stays in use (it was put out of use, as if it had failed).
	 */
	@Test
	void aFirstViewWhilePostgresIsDownIsHeldAndRedisStaysInUse() {
		Product product = product("First view " + uniqueToken());
		publishUpserted(product);
		// Stored, and never viewed (reading its page would count a view).
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM catalog_products WHERE id = ?")
				.param(product.id)
				.query(Integer.class)
				.single() == 1);
		postgresProxy.cut();
		try {
			assertThat(this.counter.count(product.id, "v:" + UUID.randomUUID())).isEqualTo(-1);
			assertThat(this.viewTotals.inUse()).isTrue();
		}
		finally {
			postgresProxy.restore();
		}
		awaitPostgres();
		awaitFlushedViewCount(product.id, 1);
	}

	/** The pool reconnects with its own back-off; until then a query here fails too. */
	private void awaitPostgres() {
		await().atMost(Duration.ofSeconds(15))
			.ignoreExceptions()
			.until(() -> this.jdbc.sql("SELECT 1").query(Integer.class).single() == 1);
	}

	/** The test database, reached through a proxy the test can cut. */
	@TestConfiguration(proxyBeanMethods = false)
	static class ProxiedPostgres {

		@Bean
		@Primary
		JdbcConnectionDetails proxiedPostgres(
				@Qualifier("testPostgresConnectionDetails") JdbcConnectionDetails testPostgres) {
			postgresProxy = TestPostgres.proxyFor(testPostgres);
			return TestPostgres.through(postgresProxy, testPostgres);
		}

	}

}
