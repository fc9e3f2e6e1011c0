package com.moa.lookup;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;
import com.moa.platform.testing.TestRabbit;
import com.moa.platform.testing.TestRedis;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One shared application context on a fresh real PostgreSQL database, a leased Redis
 * database and a RabbitMQ virtual host of its own. Tests publish real envelopes to
 * {@code moa.events}, as seller-service's outbox relay would, and read the catalog over
 * HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "moa.events.metrics-interval=500ms", "moa.lookup.cache.count-refresh=PT1S" })
@AutoConfigureMockMvc
@Import({ TestPostgres.class, TestRabbit.class, TestRedis.class })
public abstract class LookupIntegrationTestSupport {

	/**
	 * API.md: a seller's change is visible in the catalog within 2 s. Only for tests
	 * about that promise, measured once the event path is warm: the first event in a cold
	 * context can take most of 2 s by itself.
	 */
	protected static final Duration VISIBLE_WITHIN = Duration.ofSeconds(2);

	/** How long a test waits for an event's effect before calling it lost. */
	protected static final Duration CONSUMED_WITHIN = Duration.ofSeconds(10);

	protected static final TestJwts signer = TestJwts.withNewKey("lookup-tests");

	// Lives as long as the JVM: the shared context keeps using it across test classes.
	private static final JwksServer jwks = new JwksServer(signer.jwksJson());

	/**
	 * The anonymous viewer {@link #get} sends, so polling a detail counts one view per
	 * product, not one per poll.
	 */
	protected static final String TEST_CLIENT_VIEWER = UUID.randomUUID().toString();

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	protected int port;

	@Autowired
	protected MockMvcTester mvc;

	@Autowired
	protected MeterRegistry meters;

	@Autowired
	protected DataSource dataSource;

	@Autowired
	protected RabbitTemplate rabbit;

	@Autowired
	protected JsonMapper jsonMapper;

	@Autowired
	protected JdbcClient jdbc;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	/** A product snapshot under construction, as seller-service would publish it. */
	protected Product product(String title) {
		return new Product(UUID.randomUUID(), title);
	}

	/** A search token no other test's products contain. */
	protected static String uniqueToken() {
		return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	/** Publishes the products and waits until each detail answers with its title. */
	protected void publishAndAwait(Product... products) {
		for (Product product : products) {
			publishUpserted(product);
		}
		for (Product product : products) {
			awaitVisible(product.id, product.title);
		}
	}

	/** Publishes {@code product.upserted} for the snapshot and returns the envelope. */
	protected EventEnvelope publishUpserted(Product product) {
		EventEnvelope event = envelope("product.upserted", product.id, product.toJson(this.jsonMapper));
		send(event);
		return event;
	}

	protected EventEnvelope publishRemoved(UUID productId, long version) {
		ObjectNode data = this.jsonMapper.createObjectNode();
		data.put("productId", productId.toString());
		data.put("version", version);
		EventEnvelope event = envelope("product.removed", productId, data);
		send(event);
		return event;
	}

	protected EventEnvelope envelope(String type, UUID subject, ObjectNode data) {
		return new EventEnvelope(UUID.randomUUID(), "seller-service", type, Instant.now(), subject.toString(), 1, data);
	}

	/** Sends the envelope in the EVENTS.md wire format, as the outbox relay does. */
	protected void send(EventEnvelope event) {
		ObjectNode node = this.jsonMapper.createObjectNode();
		node.put("id", event.id().toString());
		node.put("source", event.source());
		node.put("type", event.type());
		node.put("time", event.time().toString());
		node.put("subject", event.subject());
		node.put("dataversion", event.dataversion());
		node.set("data", event.data());
		byte[] body = this.jsonMapper.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
		this.rabbit.send(EventTopology.EXCHANGE, event.type(),
				MessageBuilder.withBody(body)
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.setMessageId(event.id().toString())
					.setType(event.type())
					.build());
	}

	/** Waits until the consumer has committed the event (its inbox row exists). */
	protected void awaitConsumed(EventEnvelope event) {
		await().atMost(CONSUMED_WITHIN)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
				.param(event.id())
				.query(Integer.class)
				.single() == 1);
	}

	/** Waits until the product's detail answers 200 with the given title. */
	protected void awaitVisible(UUID id, String title) {
		awaitVisible(id, title, CONSUMED_WITHIN);
	}

	/**
	 * Waits at most {@code within} until the product's detail answers 200 with the given
	 * title.
	 */
	protected void awaitVisible(UUID id, String title, Duration within) {
		await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> {
			MvcTestResult result = get("/api/products/" + id);
			return result.getResponse().getStatus() == 200 && title.equals(read(result, "$.title"));
		});
	}

	protected MvcTestResult get(String uri) {
		return this.mvc.get().uri(uri).cookie(new Cookie("moa_vid", TEST_CLIENT_VIEWER)).exchange();
	}

	/**
	 * The product's {@code viewCount} as the listing for {@code q} shows it (listing
	 * counts no view).
	 */
	protected long listedViewCount(String q, UUID productId) {
		MvcTestResult result = get("/api/products?size=100&q=" + q);
		List<Number> counts = JsonPath.read(body(result), "$.content[?(@.id == '" + productId + "')].viewCount");
		assertThat(counts).as("product %s listed for q=%s", productId, q).hasSize(1);
		return counts.get(0).longValue();
	}

	/** Counts a view of the product by a new anonymous viewer. */
	protected void viewByNewVisitor(UUID productId) {
		assertThat(this.mvc.get().uri("/api/products/" + productId).exchange()).hasStatusOk();
	}

	/** Waits until the write-behind flush has stored this count in PostgreSQL. */
	protected void awaitFlushedViewCount(UUID productId, long count) {
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.jdbc.sql("SELECT view_count FROM catalog_products WHERE id = ?")
				.param(productId)
				.query(Long.class)
				.single() == count);
	}

	/** The count of {@code lookup.cache.requests} with this result so far. */
	protected double cacheRequests(String result) {
		Counter counter = this.meters.find("lookup.cache.requests").tag("result", result).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * Sends the requests over real HTTP from {@code concurrency} threads at once and
	 * returns the responses in order.
	 */
	protected List<HttpResponse<String>> concurrently(int concurrency, List<HttpRequest> requests) {
		ExecutorService threads = Executors.newFixedThreadPool(concurrency);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<HttpResponse<String>>> futures = new ArrayList<>();
			for (HttpRequest request : requests) {
				futures.add(threads.submit(() -> {
					start.await();
					return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
				}));
			}
			start.countDown();
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (Future<HttpResponse<String>> future : futures) {
				responses.add(future.get(60, TimeUnit.SECONDS));
			}
			return responses;
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * Sends {@code count} concurrent GETs of {@code uri} while a test transaction holds
	 * an exclusive lock on {@code catalog_products}, asserts that exactly one of them
	 * reached the database (one count query waits on the lock, however long the others
	 * had to get there), then releases the lock and returns the responses.
	 */
	protected List<HttpResponse<String>> requestWhileTableIsLocked(String uri, int count) {
		CompletableFuture<List<HttpResponse<String>>> responses;
		try (Connection blocker = this.dataSource.getConnection();
				Connection monitor = this.dataSource.getConnection()) {
			blocker.setAutoCommit(false);
			try (Statement statement = blocker.createStatement()) {
				statement.execute("LOCK TABLE catalog_products IN ACCESS EXCLUSIVE MODE");
			}
			responses = CompletableFuture.supplyAsync(() -> concurrently(count,
					IntStream.range(0, count).mapToObj((i) -> request(uri).build()).toList()));
			await().atMost(Duration.ofSeconds(10)).until(() -> blockedCountQueries(monitor) >= 1);
			// Time for the other requests to reach the database if they were going to
			// (without single flight each of the pool's free connections would queue
			// here).
			Thread.sleep(1000);
			assertThat(blockedCountQueries(monitor)).as("count queries waiting on the lock").isEqualTo(1);
			blocker.rollback();
		}
		catch (SQLException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
		return responses.join();
	}

	/**
	 * Browse count queries of this database waiting for a lock. Asked on a connection of
	 * its own in autocommit mode: within the blocker's transaction PostgreSQL would keep
	 * showing its first snapshot of pg_stat_activity, and the pool may be exhausted by
	 * the waiting requests.
	 */
	private static int blockedCountQueries(Connection monitor) throws SQLException {
		try (Statement statement = monitor.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
							+ " AND wait_event_type = 'Lock' AND query LIKE 'SELECT count(*) FROM catalog_products%'")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	/** A GET to this application over real HTTP. */
	protected HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
	}

	protected static String body(MvcTestResult result) {
		try {
			return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	protected static <T> T read(MvcTestResult result, String path) {
		return JsonPath.read(body(result), path);
	}

	/**
	 * A mutable product snapshot for building {@code product.upserted} data.
	 */
	protected static final class Product {

		public final UUID id;

		public final UUID sellerId = UUID.randomUUID();

		public String title;

		public String description = "A product for tests";

		public String category = "LIFESTYLE";

		public String status = "PUBLISHED";

		public long version = 1;

		public long price = 9900;

		public Instant publishedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);

		Product(UUID id, String title) {
			this.id = id;
			this.title = title;
		}

		public Product title(String title) {
			this.title = title;
			return this;
		}

		public Product description(String description) {
			this.description = description;
			return this;
		}

		public Product category(String category) {
			this.category = category;
			return this;
		}

		public Product status(String status) {
			this.status = status;
			return this;
		}

		public Product version(long version) {
			this.version = version;
			return this;
		}

		public Product price(String price) {
			this.price = Long.parseLong(price);
			return this;
		}

		public Product publishedAt(Instant publishedAt) {
			this.publishedAt = publishedAt.truncatedTo(ChronoUnit.MICROS);
			return this;
		}

		public ObjectNode toJson(JsonMapper mapper) {
			ObjectNode data = mapper.createObjectNode();
			data.put("productId", this.id.toString());
			data.put("sellerId", this.sellerId.toString());
			data.put("sellerName", "모아 셀러");
			data.put("title", this.title);
			data.put("description", this.description);
			data.put("category", this.category);
			data.put("imageUrl", "https://img.example.com/" + this.id + ".png");
			ArrayNode plans = data.putArray("plans");
			ObjectNode yearly = plans.addObject();
			yearly.put("id", UUID.randomUUID().toString());
			yearly.put("name", "Yearly");
			yearly.put("billingPeriod", "YEARLY");
			yearly.put("price", this.price * 10);
			yearly.put("currency", "KRW");
			ObjectNode monthly = plans.addObject();
			monthly.put("id", UUID.randomUUID().toString());
			monthly.put("name", "Monthly");
			monthly.put("billingPeriod", "MONTHLY");
			monthly.put("price", this.price);
			monthly.put("currency", "KRW");
			data.put("terms", "Terms v1");
			data.put("termsVersion", 1);
			data.put("status", this.status);
			data.put("version", this.version);
			data.put("publishedAt", this.publishedAt.toString());
			data.put("updatedAt", Instant.now().toString());
			return data;
		}

	}

}
