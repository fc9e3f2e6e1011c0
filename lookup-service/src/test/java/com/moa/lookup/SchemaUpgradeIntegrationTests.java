package com.moa.lookup;

import java.text.Normalizer;
import java.util.UUID;

import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database deployed before this service's later migrations existed (V1 plus
 * platform/events' V1000) upgrades when the service starts: the service's V2+ and the
 * events schema's later versions apply after V1000.
 */
@SpringBootTest
@Import({ SchemaUpgradeIntegrationTests.DeployedDatabase.class, TestRabbit.class })
class SchemaUpgradeIntegrationTests {

	@Autowired
	JdbcClient jdbc;

	@Test
	void laterServiceMigrationsApplyAfterTheEventsSchema() {
		assertThat(this.jdbc.sql("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")
			.query(String.class)
			.list()).containsExactlyElementsOf(expectedOrder());
		assertThat(this.jdbc
			.sql("SELECT data_type FROM information_schema.columns WHERE table_name = 'catalog_products' "
					+ "AND column_name = 'min_price'")
			.query(String.class)
			.single()).isEqualTo("bigint");
		assertThat(this.jdbc
			.sql("SELECT character_maximum_length FROM information_schema.columns "
					+ "WHERE table_name = 'catalog_products' AND column_name = 'image_url'")
			.query(Integer.class)
			.single()).isEqualTo(2048);
	}

	/**
	 * V7 computes the NFC search columns for rows stored before them, and leaves the
	 * stored text (here decomposed, NFD) as it was.
	 */
	@Test
	void existingProductsAreSearchableInNfcAfterTheUpgrade() {
		assertThat(this.jdbc.sql("SELECT title FROM catalog_products WHERE id = ?")
			.param(DeployedDatabase.DECOMPOSED_PRODUCT)
			.query(String.class)
			.single()).isEqualTo(DeployedDatabase.DECOMPOSED_TITLE);
		assertThat(this.jdbc.sql("SELECT search_text FROM catalog_products WHERE id = ?")
			.param(DeployedDatabase.DECOMPOSED_PRODUCT)
			.query(String.class)
			.single()).isEqualTo("요가 매트\n매일 요가");
		assertThat(this.jdbc.sql("SELECT search_text_grams @> ARRAY['요가'] FROM catalog_products WHERE id = ?")
			.param(DeployedDatabase.DECOMPOSED_PRODUCT)
			.query(Boolean.class)
			.single()).isTrue();
	}

	/**
	 * V8 collapses the whitespace of the search text of rows stored before it, as q's
	 * (the line break between title and description stays).
	 */
	@Test
	void existingProductsSearchTextHasItsWhitespaceCollapsedAfterTheUpgrade() {
		assertThat(this.jdbc.sql("SELECT search_text FROM catalog_products WHERE id = ?")
			.param(DeployedDatabase.SPACED_PRODUCT)
			.query(String.class)
			.single()).isEqualTo("Yoga Mat\nline one line two");
	}

	/**
	 * V1, then the events schema's V1000, then every later migration this service and
	 * platform/events ship, in version order.
	 */
	private static java.util.List<String> expectedOrder() {
		try {
			org.springframework.core.io.support.PathMatchingResourcePatternResolver resolver = new org.springframework.core.io.support.PathMatchingResourcePatternResolver();
			java.util.List<String> later = java.util.stream.Stream
				.concat(java.util.Arrays.stream(resolver.getResources("classpath:db/migration/V*__*.sql")),
						java.util.Arrays.stream(resolver.getResources("classpath:db/events/V*__*.sql")))
				.map((resource) -> resource.getFilename().substring(1, resource.getFilename().indexOf("__")))
				.filter((version) -> !version.equals("1") && !version.equals("1000"))
				.sorted(java.util.Comparator.comparingInt(Integer::parseInt))
				.toList();
			java.util.List<String> order = new java.util.ArrayList<>(java.util.List.of("1", "1000"));
			order.addAll(later);
			return order;
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class DeployedDatabase {

		static final UUID DECOMPOSED_PRODUCT = UUID.randomUUID();

		static final String DECOMPOSED_TITLE = Normalizer.normalize("요가 매트", Normalizer.Form.NFD);

		static final UUID SPACED_PRODUCT = UUID.randomUUID();

		@Bean
		JdbcConnectionDetails deployedDatabase() {
			JdbcConnectionDetails database = TestPostgres.createDatabase();
			// The state of a database deployed with V1 and the events schema, before V2
			// existed.
			Flyway.configure()
				.dataSource(database.getJdbcUrl(), database.getUsername(), database.getPassword())
				.locations("classpath:db/migration")
				.target("1")
				.load()
				.migrate();
			Flyway.configure()
				.dataSource(database.getJdbcUrl(), database.getUsername(), database.getPassword())
				.locations("classpath:db/events")
				.target("1000")
				.ignoreMigrationPatterns("*:missing")
				.load()
				.migrate();
			// A product stored then, its text decomposed (NFD).
			JdbcClient
				.create(new DriverManagerDataSource(database.getJdbcUrl(), database.getUsername(),
						database.getPassword()))
				.sql("INSERT INTO catalog_products (id, title, description, status, version) "
						+ "VALUES (?, ?, ?, 'PUBLISHED', 1)")
				.params(DECOMPOSED_PRODUCT, DECOMPOSED_TITLE, Normalizer.normalize("매일 요가", Normalizer.Form.NFD))
				.update();
			// And one whose text has runs of whitespace of other kinds.
			JdbcClient
				.create(new DriverManagerDataSource(database.getJdbcUrl(), database.getUsername(),
						database.getPassword()))
				.sql("INSERT INTO catalog_products (id, title, description, status, version) "
						+ "VALUES (?, ?, ?, 'PUBLISHED', 1)")
				.params(SPACED_PRODUCT, "Yoga\u00A0\u00A0Mat", "line one\n\n\tline\u3000two")
				.update();
			return database;
		}

	}

}
