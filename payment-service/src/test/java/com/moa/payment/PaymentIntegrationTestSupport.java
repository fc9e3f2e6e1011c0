package com.moa.payment;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.payment.billing.BillingJob;
import com.moa.payment.billing.Reconciler;
import com.moa.payment.catalog.Catalog;
import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.awaitility.Awaitility.await;

/**
 * One shared context on a fresh PostgreSQL database and RabbitMQ vhost. Products reach
 * the catalog snapshot as real {@code product.upserted} events; the billing job does not
 * run on its own here: tests move the test clock (which runs all due work) or call the
 * job and the reconciler directly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "moa.payment.billing.scheduled=false", "moa.payment.reconcile-interval=1h",
				"moa.payment.reconcile-after=1s" })
@AutoConfigureMockMvc
@Import({ TestPostgres.class, TestRabbit.class })
public abstract class PaymentIntegrationTestSupport {

	protected static final String OPERATOR_KEY = "dev-operator-key";

	protected static final TestJwts signer = TestJwts.withNewKey("payment-tests");

	private static final JwksServer jwks = new JwksServer(signer.jwksJson());

	@Autowired
	protected MockMvcTester mvc;

	@Autowired
	protected RabbitTemplate rabbit;

	@Autowired
	protected JdbcClient jdbc;

	@Autowired
	protected JsonMapper jsonMapper;

	@Autowired
	protected Catalog catalog;

	@Autowired
	protected PaymentProperties properties;

	@Autowired
	protected BillingJob billing;

	@Autowired
	protected Reconciler reconciler;

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	protected static String consumer() {
		return signer.token(UUID.randomUUID(), "CONSUMER");
	}

	/** Publishes a product through a real {@code product.upserted} and waits for it. */
	protected Product product(long monthlyPrice) {
		Product product = new Product(UUID.randomUUID(), UUID.randomUUID(), "Box " + UUID.randomUUID(), monthlyPrice);
		publish(product);
		return product;
	}

	protected void publish(Product product) {
		Map<String, Object> data = new HashMap<>(Map.of("productId", product.id, "sellerId", product.sellerId, "title",
				product.title, "status", product.status, "version", product.version, "plans",
				List.of(Map.of("id", product.monthlyPlan, "name", "Monthly", "billingPeriod", "MONTHLY", "price",
						product.monthlyPrice, "currency", "KRW"),
						Map.of("id", product.yearlyPlan, "name", "Yearly", "billingPeriod", "YEARLY", "price",
								product.yearlyPrice, "currency", "KRW"),
						Map.of("id", product.premiumPlan, "name", "Premium", "billingPeriod", "MONTHLY", "price",
								product.monthlyPrice * 2, "currency", "KRW"))));
		if (product.termsVersion != null) {
			data.put("termsVersion", product.termsVersion);
		}
		send("product.upserted", product.id, data);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.catalog.find(product.id)
				.filter((found) -> found.status().equals(product.status)
						&& Objects.equals(found.termsVersion(), product.termsVersion)
						&& found.plan(product.monthlyPlan)
							.map((plan) -> plan.price() == product.monthlyPrice)
							.orElse(false))
				.isPresent());
	}

	protected void send(String type, UUID subject, Object data) {
		Map<String, Object> envelope = Map.of("id", UUID.randomUUID(), "source", "seller-service", "type", type, "time",
				Instant.now(), "subject", subject, "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, type,
				MessageBuilder.withBody(this.jsonMapper.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
	}

	protected MvcTestResult subscribe(String token, String key, UUID productId, UUID planId, String paymentToken) {
		return subscribe(token, key, productId, planId, paymentToken, null);
	}

	/**
	 * {@code POST /api/subscriptions} with {@code termsVersion} as this JSON text, or
	 * without the field when null.
	 */
	protected MvcTestResult subscribe(String token, String key, UUID productId, UUID planId, String paymentToken,
			String termsVersionJson) {
		String terms = (termsVersionJson != null) ? ",\"termsVersion\":" + termsVersionJson : "";
		return this.mvc.post()
			.uri("/api/subscriptions")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"productId":"%s","planId":"%s","paymentMethod":{"token":"%s"}%s}""".formatted(productId, planId,
					paymentToken, terms))
			.exchange();
	}

	/** Subscribes with a fresh key and returns the subscription id. */
	protected String subscribed(String token, Product product, UUID planId) {
		MvcTestResult result = subscribe(token, UUID.randomUUID().toString(), product.id, planId, "tok_ok");
		if (result.getResponse().getStatus() != 201) {
			throw new IllegalStateException("subscribe failed: " + body(result));
		}
		return read(result, "$.id");
	}

	protected MvcTestResult get(String path, String token) {
		return this.mvc.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
	}

	protected MvcTestResult post(String path, String json, String token) {
		return this.mvc.post()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.content(json)
			.exchange();
	}

	protected MvcTestResult put(String path, String json, String token) {
		return this.mvc.put()
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.content(json)
			.exchange();
	}

	/** Moves the billing clock and returns once the work it made due has run. */
	protected Instant advance(String duration) {
		MvcTestResult result = this.mvc.post()
			.uri("/internal/test-clock/advance")
			.header("X-Operator-Key", OPERATOR_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"duration\":\"" + duration + "\"}")
			.exchange();
		if (result.getResponse().getStatus() != 200) {
			throw new IllegalStateException("advance failed: " + body(result));
		}
		return Instant.parse(read(result, "$.now"));
	}

	/** The calendar billing periods are counted in (moa.payment.billing.time-zone). */
	protected ZoneId billingZone() {
		return this.properties.billing().timeZone();
	}

	protected Instant now() {
		return Instant.parse(read(
				this.mvc.get().uri("/internal/test-clock").header("X-Operator-Key", OPERATOR_KEY).exchange(), "$.now"));
	}

	/** The subscription's charges, oldest first: kind, status, amount. */
	protected List<String> charges(String subscriptionId) {
		return new ArrayList<>(this.jdbc
			.sql("SELECT kind || ' ' || status || ' ' || amount FROM payments WHERE subscription_id = ? "
					+ "ORDER BY created_at, attempt")
			.param(UUID.fromString(subscriptionId))
			.query(String.class)
			.list());
	}

	/** How often the sandbox provider really charged (succeeded) for the subscription. */
	protected int providerCharges(String subscriptionId) {
		return this.jdbc.sql("""
				SELECT count(*) FROM sandbox_charges c JOIN payments p ON p.id = c.idempotency_key
				WHERE p.subscription_id = ? AND c.outcome = 'SUCCEEDED'""")
			.param(UUID.fromString(subscriptionId))
			.query(Integer.class)
			.single();
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
	 * A product as seller-service would publish it: a monthly, a yearly and a premium
	 * plan.
	 */
	protected static final class Product {

		public final UUID id;

		public final UUID sellerId;

		public final String title;

		public final UUID monthlyPlan = UUID.randomUUID();

		public final UUID yearlyPlan = UUID.randomUUID();

		public final UUID premiumPlan = UUID.randomUUID();

		public long monthlyPrice;

		public long yearlyPrice;

		public String status = "PUBLISHED";

		public long version = 1;

		/** Sent in the snapshot when set. */
		public Integer termsVersion;

		Product(UUID id, UUID sellerId, String title, long monthlyPrice) {
			this.id = id;
			this.sellerId = sellerId;
			this.title = title;
			this.monthlyPrice = monthlyPrice;
			this.yearlyPrice = monthlyPrice * 10;
		}

		public Product next() {
			this.version++;
			return this;
		}

	}

}
