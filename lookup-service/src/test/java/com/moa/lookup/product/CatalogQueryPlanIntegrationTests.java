package com.moa.lookup.product;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.moa.platform.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code EXPLAIN (ANALYZE, BUFFERS)} of exactly the statements the browse endpoints run
 * ({@link CatalogRepository#countSql}, {@link CatalogRepository#pageSql},
 * {@link CatalogRepository#feedSql}) on 100,000 products, asserting which index each one
 * uses. Every plan is written to {@code target/query-plans/<case>.txt}, with a
 * {@code summary.txt} of index and execution time per case.
 * <p>
 * Measurement choices, so the plans are those a running service gets:
 * <ul>
 * <li>One connection for everything, like a pooled one: on a fresh backend the first
 * statement to touch thousands of shared buffers runs ~10x slower (80 ms instead of 7 ms
 * for the deep page), which pooled connections do not see. Each statement is run once to
 * warm up, then measured.</li>
 * <li>{@code prepareThreshold=0}: every execution is planned for its actual parameters (a
 * custom plan). Repeating one statement text on a connection would otherwise make pgjdbc
 * server-prepare it and PostgreSQL may switch to a generic plan after five runs, so plans
 * would depend on the order the cases ran in.</li>
 * <li>{@code VACUUM (ANALYZE)} after seeding, not only {@code ANALYZE}: a live table is
 * vacuumed by autovacuum (also after inserts, PostgreSQL 13+), which sets hint bits and
 * the visibility map that index-only scans rely on. With {@code ANALYZE} alone the
 * visibility map of the freshly inserted table is empty (count then prefers a Seq Scan)
 * and autovacuum could start mid-test and change plans between runs.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogQueryPlanIntegrationTests {

	private static final Path PLANS = Path.of("target", "query-plans");

	private static final String NEWEST_IDX = "catalog_products_newest_idx";

	private static final String CATEGORY_NEWEST_IDX = "catalog_products_category_newest_idx";

	private static final String POPULAR_IDX = "catalog_products_popular_idx";

	private static final String PRICE_IDX = "catalog_products_price_idx";

	/** V6: title and description in NFC, one trigram index for both. */
	private static final String SEARCH_TEXT_TRGM_IDX = "catalog_products_search_text_trgm_idx";

	private static final String SEQ_SCAN = "Seq Scan on catalog_products";

	private static final String SEARCH_GRAMS_IDX = "catalog_products_search_text_grams_idx";

	private static final int PAGE_SIZE = 20;

	private static final Optional<Category> ALL = Optional.empty();

	private static final Optional<Category> STREAMING = Optional.of(Category.STREAMING);

	private static final Optional<String> NO_QUERY = Optional.empty();

	private static final Pattern INDEX_USED = Pattern
		.compile("(Seq Scan on catalog_products|(?:Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan)"
				+ " (?:using|on) catalog_products_\\w+)");

	/**
	 * 100,000 products from one statement, deterministic (pseudo-random values come from
	 * md5 of the row number, not random()): ~90% PUBLISHED and not removed, ~5% DRAFT,
	 * ~2% UNPUBLISHED, ~3% removed; 8 categories with MEAL_KIT the largest and SOFTWARE
	 * the smallest; published over 3 years with more products recently; prices
	 * log-uniform from 1,900 to ~95,000 KRW in steps of 100; heavy-tailed view counts;
	 * 2,000 sellers, a few with many products. Titles mix an optional Korean word, a
	 * topic word of the category (Korean or English), an English word and the row number;
	 * descriptions are Korean/English sentences from the same vocabulary, so any one
	 * topic word is in about 1.5% of titles and 3% of descriptions. The OFFSET 0 fences
	 * keep PostgreSQL from inlining the derived values into every use (~4x slower).
	 */
	private static final String SEED = """
			INSERT INTO catalog_products (id, seller_id, seller_name, title, description, category, image_url,
			    min_price, currency, plans, terms, terms_version, status, version, published_at, updated_at,
			    view_count, removed)
			SELECT md5('product-' || g)::uuid,
			    md5('seller-' || seller)::uuid,
			    CASE WHEN seller % 2 = 0 THEN '모아상점 ' || seller ELSE 'Moa Store ' || seller END,
			    (CASE WHEN get_byte(a, 4) < 128 THEN '' ELSE korean[1 + get_byte(a, 5) % 10] || ' ' END)
			        || topic[1 + get_byte(a, 6) % 8] || ' ' || english[1 + get_byte(a, 7) % 10] || ' ' || g,
			    topic[1 + get_byte(b, 0) % 8] || ' ' || korean[1 + get_byte(b, 1) % 10] || ' 구독 상품입니다. '
			        || initcap(english[1 + get_byte(b, 2) % 10]) || ' ' || topic[1 + get_byte(b, 3) % 8]
			        || ' delivered every month, 언제든 해지할 수 있어요.',
			    category,
			    'https://cdn.moa.example/products/' || g || '.jpg',
			    price, 'KRW',
			    jsonb_build_array(jsonb_build_object('name', 'Basic', 'price', price),
			        jsonb_build_object('name', 'Premium', 'price', price * 2)),
			    '이용약관 ' || g, 1 + get_byte(b, 4) % 3,
			    CASE WHEN state < 0.90 THEN 'PUBLISHED' WHEN state < 0.95 THEN 'DRAFT'
			        WHEN state < 0.97 THEN 'UNPUBLISHED' ELSE 'PUBLISHED' END,
			    1 + get_byte(b, 5) % 10,
			    CASE WHEN state < 0.90 OR state >= 0.95 THEN published END,
			    published + interval '1 day' * (get_byte(b, 6) % 30),
			    floor(exp(views * 11)) - 1,
			    state >= 0.97
			FROM (
			    SELECT g, a, b, category, topic,
			        ARRAY['프리미엄', '정기', '월간', '주간', '베이직', '패밀리', '스페셜', '무제한', '유기농', '신선'] AS korean,
			        ARRAY['premium', 'monthly', 'weekly', 'basic', 'family', 'plus', 'pro', 'organic', 'deluxe', 'lite']
			            AS english,
			        1 + floor(u0 * u0 * 2000)::int AS seller,
			        (round(1900 * exp(u1 * ln(50)) / 100) * 100)::bigint AS price,
			        u2 AS state, u3 AS views,
			        date_trunc('second', now() - interval '1095 days' * u4 * u4) AS published
			    FROM (
			        SELECT g, a, b,
			            (get_byte(a, 0) * 256 + get_byte(a, 1)) / 65536.0::float8 AS u0,
			            (get_byte(a, 2) * 256 + get_byte(a, 3)) / 65536.0::float8 AS u1,
			            (get_byte(a, 8) * 256 + get_byte(a, 9)) / 65536.0::float8 AS u2,
			            (get_byte(a, 10) * 256 + get_byte(a, 11)) / 65536.0::float8 AS u3,
			            (get_byte(a, 12) * 256 + get_byte(a, 13)) / 65536.0::float8 AS u4,
			            (ARRAY['MEAL_KIT', 'MEAL_KIT', 'MEAL_KIT', 'STREAMING', 'STREAMING', 'BEAUTY', 'BEAUTY',
			                'BOOKS', 'BOOKS', 'FITNESS', 'FITNESS', 'PET', 'PET', 'SOFTWARE', 'LIFESTYLE',
			                'LIFESTYLE'])[1 + get_byte(a, 14) % 16] AS category
			        FROM (SELECT g, decode(md5('moa-a-' || g), 'hex') AS a, decode(md5('moa-b-' || g), 'hex') AS b
			            FROM generate_series(1, 100000) AS g OFFSET 0) AS seeds
			        OFFSET 0
			    ) AS uniform
			    CROSS JOIN LATERAL (SELECT CASE category
			        WHEN 'MEAL_KIT' THEN ARRAY['밀키트', '도시락', '샐러드', '반찬', 'meal', 'salad', 'kitchen', 'fresh']
			        WHEN 'STREAMING' THEN ARRAY['스트리밍', '영화', '음악', '드라마', 'stream', 'movie', 'music', 'video']
			        WHEN 'BEAUTY' THEN ARRAY['스킨케어', '화장품', '향수', '마스크팩', 'beauty', 'skincare', 'serum', 'perfume']
			        WHEN 'BOOKS' THEN ARRAY['도서', '전자책', '잡지', '동화책', 'books', 'ebook', 'magazine', 'novel']
			        WHEN 'FITNESS' THEN ARRAY['피트니스', '요가', '필라테스', '홈트', 'fitness', 'yoga', 'pilates', 'workout']
			        WHEN 'PET' THEN ARRAY['반려동물', '사료', '간식', '장난감', 'pet', 'dog', 'cat', 'treats']
			        WHEN 'SOFTWARE' THEN ARRAY['소프트웨어', '클라우드', '보안', '백업', 'software', 'cloud', 'vpn', 'backup']
			        ELSE ARRAY['생활용품', '꽃', '커피', '와인', 'coffee', 'flowers', 'wine', 'candle'] END AS topic) AS topics
			    OFFSET 0
			) AS products
			""";

	private final Map<String, String> summary = new TreeMap<>();

	private SingleConnectionDataSource dataSource;

	private JdbcClient jdbc;

	@BeforeAll
	void seedCatalog() throws IOException {
		JdbcConnectionDetails database = TestPostgres.createDatabase();
		String url = database.getJdbcUrl() + (database.getJdbcUrl().contains("?") ? "&" : "?") + "prepareThreshold=0";
		Flyway.configure()
			.dataSource(url, database.getUsername(), database.getPassword())
			.locations("classpath:db/migration", "classpath:db/events")
			.outOfOrder(true)
			.load()
			.migrate();
		this.dataSource = new SingleConnectionDataSource(url, database.getUsername(), database.getPassword(), true);
		this.jdbc = JdbcClient.create(this.dataSource);
		long started = System.nanoTime();
		int inserted = this.jdbc.sql(SEED).update();
		long seeded = System.nanoTime();
		this.jdbc.sql("VACUUM (ANALYZE) catalog_products").update();
		long vacuumed = System.nanoTime();
		assertThat(inserted).isEqualTo(100_000);
		System.out.printf("Seeded %,d products in %d ms, VACUUM (ANALYZE) in %d ms%n", inserted,
				(seeded - started) / 1_000_000, (vacuumed - seeded) / 1_000_000);
		Files.createDirectories(PLANS);
	}

	@AfterAll
	void writeSummary() throws IOException {
		try {
			StringBuilder text = new StringBuilder("case | scans | execution time\n");
			this.summary.forEach((name, line) -> text.append(name).append(" | ").append(line).append('\n'));
			Files.writeString(PLANS.resolve("summary.txt"), text, StandardCharsets.UTF_8);
		}
		finally {
			if (this.dataSource != null) {
				this.dataSource.destroy();
			}
		}
	}

	@Test
	void seedIsRealistic() {
		Map<String, Long> byState = new TreeMap<>();
		this.jdbc.sql(
				"SELECT coalesce(status, '-') || CASE WHEN removed THEN ' removed' ELSE '' END AS state, count(*) AS n "
						+ "FROM catalog_products GROUP BY 1")
			.query((ResultSet rs) -> {
				byState.put(rs.getString("state"), rs.getLong("n"));
			});
		assertThat(byState.get("PUBLISHED")).isBetween(88_000L, 92_000L);
		assertThat(byState).containsKeys("DRAFT", "UNPUBLISHED", "PUBLISHED removed");
		assertThat(this.jdbc.sql("SELECT count(DISTINCT category) FROM catalog_products").query(Long.class).single())
			.isEqualTo(8);
	}

	/**
	 * pg_trgm only makes trigrams of characters the database's LC_CTYPE calls
	 * alphanumeric: with C.UTF-8 (glibc) Hangul syllables are, so Korean words of three
	 * or more syllables are indexed like English ones.
	 */
	@Test
	void hangulYieldsTrigramsInThisDatabase() {
		String ctype = this.jdbc.sql("SELECT datctype FROM pg_database WHERE datname = current_database()")
			.query(String.class)
			.single();
		Integer trigrams = this.jdbc.sql("SELECT cardinality(show_trgm('스트리밍'))").query(Integer.class).single();
		System.out.printf("LC_CTYPE %s: show_trgm('스트리밍') has %d trigrams%n", ctype, trigrams);
		// " 스", " 스트", "스트리", "트리밍", "리밍 "
		assertThat(trigrams).isEqualTo(5);
	}

	@Test
	void listNewestFirstPage() {
		assertThat(explain("list_newest_page0", CatalogRepository.pageSql(ALL, NO_QUERY, ProductSort.NEWEST, 20, 0)))
			.contains("Index Scan using " + NEWEST_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void listNewestDeepPage() {
		assertThat(explain("list_newest_offset5000",
				CatalogRepository.pageSql(ALL, NO_QUERY, ProductSort.NEWEST, PAGE_SIZE, 5000)))
			.contains("Index Scan using " + NEWEST_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void listCategoryNewestFirstPage() {
		assertThat(explain("list_category_newest_page0",
				CatalogRepository.pageSql(STREAMING, NO_QUERY, ProductSort.NEWEST, PAGE_SIZE, 0)))
			.contains("Index Scan using " + CATEGORY_NEWEST_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/**
	 * Half way through a category (~11,000 visible STREAMING products) the planner may
	 * read the category's index entries as a bitmap and top-N sort them instead of
	 * walking the index: either way it is the category index.
	 */
	@Test
	void listCategoryNewestDeepPage() {
		assertThat(explain("list_category_newest_offset5000",
				CatalogRepository.pageSql(STREAMING, NO_QUERY, ProductSort.NEWEST, PAGE_SIZE, 5000)))
			.contains(CATEGORY_NEWEST_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void listPopular() {
		assertThat(explain("list_popular_page0",
				CatalogRepository.pageSql(ALL, NO_QUERY, ProductSort.POPULAR, PAGE_SIZE, 0)))
			.contains("Index Scan using " + POPULAR_IDX)
			.doesNotContain(SEQ_SCAN)
			.doesNotContain("Sort Key");
	}

	@Test
	void listPriceAscending() {
		assertThat(explain("list_price_asc_page0",
				CatalogRepository.pageSql(ALL, NO_QUERY, ProductSort.PRICE_ASC, PAGE_SIZE, 0)))
			.contains("Index Scan using " + PRICE_IDX)
			.doesNotContain(SEQ_SCAN)
			.doesNotContain("Sort Key");
	}

	/**
	 * The price index is {@code (min_price, published_at DESC, id DESC)}: read backwards
	 * it gives {@code min_price DESC} but the tie-break ascending, so equal prices are
	 * re-sorted (an Incremental Sort on top of the index; cheap, prices have few ties per
	 * page).
	 */
	@Test
	void listPriceDescending() {
		assertThat(explain("list_price_desc_page0",
				CatalogRepository.pageSql(ALL, NO_QUERY, ProductSort.PRICE_DESC, PAGE_SIZE, 0)))
			.contains("Index Scan Backward using " + PRICE_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void countAll() {
		assertThat(explain("count_all", CatalogRepository.countSql(ALL, NO_QUERY))).contains("Index Only Scan using ")
			.contains("Heap Fetches: 0")
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void countCategory() {
		assertThat(explain("count_category", CatalogRepository.countSql(STREAMING, NO_QUERY)))
			.contains("Index Only Scan using " + CATEGORY_NEWEST_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void feedFirstPage() {
		assertThat(explain("feed_page0", CatalogRepository.feedSql(ALL, Optional.empty(), PAGE_SIZE)))
			.contains("Index Scan using " + NEWEST_IDX)
			.doesNotContain(SEQ_SCAN)
			.doesNotContain("Sort Key");
	}

	@Test
	void feedAfterCursorInTheMiddle() {
		FeedCursor middle = cursorAt(ALL, 45_000);
		assertThat(explain("feed_after_cursor", CatalogRepository.feedSql(ALL, Optional.of(middle), PAGE_SIZE)))
			.contains("Index Scan using " + NEWEST_IDX)
			.contains("Index Cond: (ROW(published_at, id) < ROW(")
			.doesNotContain(SEQ_SCAN)
			.doesNotContain("Sort Key");
	}

	@Test
	void feedCategoryFirstPage() {
		assertThat(explain("feed_category_page0", CatalogRepository.feedSql(STREAMING, Optional.empty(), PAGE_SIZE)))
			.contains("Index Scan using " + CATEGORY_NEWEST_IDX)
			.doesNotContain(SEQ_SCAN)
			.doesNotContain("Sort Key");
	}

	@Test
	void feedCategoryAfterCursorInTheMiddle() {
		FeedCursor middle = cursorAt(STREAMING, 5_500);
		assertThat(explain("feed_category_after_cursor",
				CatalogRepository.feedSql(STREAMING, Optional.of(middle), PAGE_SIZE)))
			.contains("Index Scan using " + CATEGORY_NEWEST_IDX)
			.contains("ROW(published_at, id) < ROW(")
			.doesNotContain(SEQ_SCAN)
			.doesNotContain("Sort Key");
	}

	@Test
	void searchCountEnglish() {
		assertThat(explain("search_count_en_yoga", CatalogRepository.countSql(ALL, Optional.of("yoga"))))
			.contains("Bitmap Index Scan on " + SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void searchCountKorean() {
		assertThat(explain("search_count_ko_streaming", CatalogRepository.countSql(ALL, Optional.of("스트리밍"))))
			.contains("Bitmap Index Scan on " + SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/**
	 * A word in ~4% of visible products: the 20 newest matches are found after a few
	 * hundred entries of the newest index, which the planner rightly prefers to
	 * collecting all ~3,700 matches from the trigram index and sorting them.
	 */
	@Test
	void searchPageEnglish() {
		assertThat(explain("search_page_en_yoga",
				CatalogRepository.pageSql(ALL, Optional.of("yoga"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.containsAnyOf("Index Scan using " + NEWEST_IDX, "Bitmap Index Scan on " + SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void searchPageKorean() {
		assertThat(explain("search_page_ko_streaming",
				CatalogRepository.pageSql(ALL, Optional.of("스트리밍"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.containsAnyOf("Index Scan using " + NEWEST_IDX, "Bitmap Index Scan on " + SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/** A product number matches one title: the trigram index finds it. */
	@Test
	void searchPageRareTerm() {
		assertThat(explain("search_page_rare_number",
				CatalogRepository.pageSql(ALL, Optional.of("12345"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.contains("Bitmap Index Scan on " + SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/** A Korean word nobody used: the trigram index answers "none" at once. */
	@Test
	void searchPageKoreanWithoutMatches() {
		assertThat(explain("search_page_ko_no_match",
				CatalogRepository.pageSql(ALL, Optional.of("해지불가"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.contains("Bitmap Index Scan on " + SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/**
	 * A two-syllable word ('요가', like most Korean nouns) has no trigram; the gram index
	 * (V3) serves the count instead of a scan of the whole table.
	 */
	@Test
	void searchCountKoreanTwoSyllables() {
		assertThat(explain("search_count_ko_two_syllables", CatalogRepository.countSql(ALL, Optional.of("요가"))))
			.contains("Bitmap Index Scan on " + SEARCH_GRAMS_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void searchPageKoreanTwoSyllables() {
		assertThat(explain("search_page_ko_two_syllables",
				CatalogRepository.pageSql(ALL, Optional.of("요가"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.doesNotContain(SEQ_SCAN);
	}

	/**
	 * A two-syllable word that matches nothing ('택배'): without the gram index the planner
	 * read the whole table (in parallel, ~200 ms at 100k); with it the answer "none" is
	 * immediate.
	 */
	@Test
	void searchPageKoreanTwoSyllablesWithoutMatches() {
		assertThat(explain("search_page_ko_two_syllables_no_match",
				CatalogRepository.pageSql(ALL, Optional.of("택배"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.contains("Bitmap Index Scan on " + SEARCH_GRAMS_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/** One character ('책', book) is served by the gram index too. */
	@Test
	void searchCountOneCharacter() {
		assertThat(explain("search_count_ko_one_character", CatalogRepository.countSql(ALL, Optional.of("책"))))
			.doesNotContain(SEQ_SCAN);
	}

	/**
	 * A q of three characters or more with no letter or digit ('!!!', emoji) has no
	 * trigram either: pg_trgm takes words of letters and digits only. The gram index
	 * serves it as it serves a short q; the trigram index would be read whole.
	 */
	@Test
	void searchCountPunctuation() {
		assertThat(explain("search_count_punctuation", CatalogRepository.countSql(ALL, Optional.of("!!!"))))
			.contains("Bitmap Index Scan on " + SEARCH_GRAMS_IDX)
			.doesNotContain(SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	@Test
	void searchPageEmoji() {
		assertThat(explain("search_page_emoji",
				CatalogRepository.pageSql(ALL, Optional.of("😀😀😀"), ProductSort.NEWEST, PAGE_SIZE, 0)))
			.contains("Bitmap Index Scan on " + SEARCH_GRAMS_IDX)
			.doesNotContain(SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/**
	 * Every short q is one statement text, so a pooled connection may run it with a
	 * generic plan, made without knowing q. That plan must still take the gram index: the
	 * trigram index has nothing to look up for a short q and would be read whole (~1 s
	 * here), which an unhidden {@code search_text ILIKE} in the statement invited.
	 */
	@Test
	void searchCountKoreanTwoSyllablesWithAGenericPlan() {
		assertThat(explainGeneric("search_count_ko_two_syllables_generic",
				CatalogRepository.countSql(ALL, Optional.of("요가"))))
			.contains("Bitmap Index Scan on " + SEARCH_GRAMS_IDX)
			.doesNotContain(SEARCH_TEXT_TRGM_IDX)
			.doesNotContain(SEQ_SCAN);
	}

	/** The feed position of the visible product at {@code offset} in feed order. */
	private FeedCursor cursorAt(Optional<Category> category, int offset) {
		String inCategory = category.map((value) -> " AND category = '" + value.name() + "'").orElse("");
		return this.jdbc
			.sql("SELECT published_at, id FROM catalog_products WHERE status = 'PUBLISHED' AND NOT removed" + inCategory
					+ " ORDER BY published_at DESC, id DESC OFFSET :offset LIMIT 1")
			.param("offset", offset)
			.query((rs, rowNum) -> new FeedCursor(rs.getObject("published_at", OffsetDateTime.class).toInstant(),
					rs.getObject("id", UUID.class)))
			.single();
	}

	/**
	 * Runs the statement under {@code EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)} twice
	 * (warm-up, then measured), writes the measured plan and returns it.
	 */
	private String explain(String name, CatalogRepository.Sql sql) {
		explainOnce(sql);
		String plan = explainOnce(sql);
		String executionTime = plan.lines()
			.filter((line) -> line.startsWith("Execution Time:"))
			.findFirst()
			.orElse("Execution Time: ?");
		Set<String> scans = new LinkedHashSet<>();
		Matcher matcher = INDEX_USED.matcher(plan);
		while (matcher.find()) {
			scans.add(matcher.group(1));
		}
		String line = String.join(", ", scans) + " | " + executionTime.substring("Execution Time:".length()).trim();
		this.summary.put(name, line);
		System.out.printf("query plan %-32s %s%n", name, line);
		String file = "-- " + name + "\n" + sql.text() + "\n-- parameters: " + new TreeMap<>(sql.params()) + "\n\n"
				+ plan + "\n";
		try {
			Files.writeString(PLANS.resolve(name + ".txt"), file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return plan;
	}

	/**
	 * Like {@link #explain}, but as a prepared statement under
	 * {@code plan_cache_mode = force_generic_plan}: the plan PostgreSQL may switch a
	 * server-prepared statement to.
	 */
	private String explainGeneric(String name, CatalogRepository.Sql sql) {
		String text = sql.text();
		StringBuilder arguments = new StringBuilder();
		int position = 0;
		for (Map.Entry<String, Object> param : new TreeMap<>(sql.params()).entrySet()) {
			text = text.replace(":" + param.getKey(), "$" + ++position);
			arguments.append((position > 1) ? ", " : "")
				.append("'")
				.append(param.getValue().toString().replace("'", "''"))
				.append("'");
		}
		this.jdbc.sql("SET plan_cache_mode = force_generic_plan").update();
		try {
			this.jdbc.sql("PREPARE generic_case AS " + text).update();
			return explain(name, new CatalogRepository.Sql("EXECUTE generic_case(" + arguments + ")", Map.of()));
		}
		finally {
			this.jdbc.sql("DEALLOCATE ALL").update();
			this.jdbc.sql("RESET plan_cache_mode").update();
		}
	}

	private String explainOnce(CatalogRepository.Sql sql) {
		List<String> lines = this.jdbc.sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql.text())
			.params(sql.params())
			.query(String.class)
			.list();
		return String.join("\n", lines);
	}

}
