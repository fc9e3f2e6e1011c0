package com.moa.mail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.icegreen.greenmail.util.GreenMail;
import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import com.moa.platform.testing.TestSmtp;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.json.JsonMapper;

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

import static org.awaitility.Awaitility.await;

/**
 * mail-service on a fresh PostgreSQL database, a RabbitMQ vhost and an in-process
 * GreenMail behind a {@link TcpProxy}. Events arrive as real messages on the exchange;
 * mail is read from what GreenMail really received. Retries are fast here (200 ms
 * backoff) so outages resolve within a test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "moa.mail.sending.interval=50ms", "moa.mail.sending.initial-backoff=200ms",
				"moa.mail.sending.max-backoff=1s", "moa.mail.sending.rate=500", "moa.mail.sending.batch-size=50",
				"moa.mail.metrics-interval=200ms" })
@AutoConfigureMockMvc
@Import({ TestPostgres.class, TestRabbit.class, TestSmtp.class })
public abstract class MailIntegrationTestSupport {

	protected static final String OPERATOR_KEY = "dev-operator-key";

	private static final JwksServer jwks = new JwksServer(TestJwts.withNewKey("mail-tests").jwksJson());

	@Autowired
	protected MockMvcTester mvc;

	@Autowired
	protected RabbitTemplate rabbit;

	@Autowired
	protected JdbcClient jdbc;

	@Autowired
	protected JsonMapper jsonMapper;

	@Autowired
	protected GreenMail greenMail;

	@Autowired
	protected TcpProxy smtpProxy;

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	/** A user as auth-service announces one, known to mail-service when this returns. */
	protected User user(String locale) {
		return user(locale, "user-" + UUID.randomUUID() + "@example.com");
	}

	/** The same, with this address. */
	protected User user(String locale, String email) {
		User user = new User(UUID.randomUUID(), email, "김모아", locale);
		send("user.registered", user.id, Map.of("userId", user.id, "email", user.email, "name", user.name, "role",
				"CONSUMER", "locale", locale));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM mail_users WHERE user_id = ?")
				.param(user.id)
				.query(Integer.class)
				.single() == 1);
		return user;
	}

	/** A published product, known to mail-service when this returns. */
	protected UUID product(String title) {
		UUID productId = UUID.randomUUID();
		send("product.upserted", productId, Map.of("productId", productId, "sellerId", UUID.randomUUID(), "title",
				title, "status", "PUBLISHED", "version", 1, "plans", List.of()));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM mail_products WHERE product_id = ?")
				.param(productId)
				.query(Integer.class)
				.single() == 1);
		return productId;
	}

	/**
	 * Announces a subscription's state as payment-service does and waits until the
	 * projection holds it.
	 */
	protected UUID subscription(UUID subscriptionId, User user, UUID productId, String type, String status,
			long version) {
		return subscription(subscriptionId, user, productId, type, status, version, Instant.now());
	}

	/** The same, for a change made at {@code time} (the event's time). */
	protected UUID subscription(UUID subscriptionId, User user, UUID productId, String type, String status,
			long version, Instant time) {
		Map<String, Object> data = subscriptionData(subscriptionId, user, productId, status, version);
		data.put("occurredAt", time.toString());
		data.put("paymentId", UUID.randomUUID());
		data.put("effectiveAt", time.toString());
		data.put("atPeriodEnd", false);
		send(UUID.randomUUID(), type, subscriptionId, data, time);
		if (type.equals("subscription.past-due")) {
			// payment-service announces the failed charge in the same transaction.
			failedPayment((UUID) data.get("paymentId"), subscriptionId, user, 15000);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc
				.sql("SELECT count(*) FROM mail_subscriptions WHERE subscription_id = ? AND version = ?")
				.params(subscriptionId, version)
				.query(Integer.class)
				.single() == 1);
		return subscriptionId;
	}

	/**
	 * The subscription's state every {@code subscription.*} event carries (15,000 KRW
	 * monthly, period end 2026-12-31); callers add the event's own fields.
	 */
	protected static Map<String, Object> subscriptionData(UUID subscriptionId, User user, UUID productId, String status,
			long version) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("subscriptionId", subscriptionId);
		data.put("userId", user.id);
		data.put("productId", productId);
		data.put("sellerId", UUID.randomUUID());
		data.put("planId", UUID.randomUUID());
		data.put("price", 15000);
		data.put("currency", "KRW");
		data.put("billingPeriod", "MONTHLY");
		data.put("status", status);
		data.put("currentPeriodEnd", "2026-12-31T00:00:00Z");
		data.put("version", version);
		return data;
	}

	/** Announces a failed charge ({@code payment.failed}) as payment-service does. */
	protected void failedPayment(UUID paymentId, UUID subscriptionId, User user, long amount) {
		send("payment.failed", paymentId,
				Map.of("paymentId", paymentId, "subscriptionId", subscriptionId, "userId", user.id, "amount", amount,
						"currency", "KRW", "kind", "RENEWAL", "reason", "card declined", "time",
						Instant.now().toString()));
	}

	/** An active subscriber of the product (subscription.activated). */
	protected UUID subscribe(User user, UUID productId) {
		return subscribe(user, productId, Instant.now());
	}

	/** An active subscriber of the product since {@code time}. */
	protected UUID subscribe(User user, UUID productId, Instant time) {
		return subscription(UUID.randomUUID(), user, productId, "subscription.activated", "ACTIVE", 1, time);
	}

	/** Publishes {@code product.terms-changed} with a new event id. */
	protected UUID termsChanged(UUID productId, String title, int termsVersion, String terms) {
		return termsChanged(productId, title, termsVersion, terms, Instant.now());
	}

	/** The same, for a change made at {@code time} (the event's time). */
	protected UUID termsChanged(UUID productId, String title, int termsVersion, String terms, Instant time) {
		UUID eventId = UUID.randomUUID();
		send(eventId, "product.terms-changed", productId, terms(productId, title, termsVersion, terms), time);
		return eventId;
	}

	protected void termsChanged(UUID eventId, UUID productId, String title, int termsVersion, String terms) {
		send(eventId, "product.terms-changed", productId, terms(productId, title, termsVersion, terms));
	}

	private static Map<String, Object> terms(UUID productId, String title, int termsVersion, String terms) {
		return Map.of("productId", productId, "title", title, "termsVersion", termsVersion, "terms", terms,
				"effectiveAt", "2027-01-15T00:00:00Z");
	}

	protected void send(String type, UUID subject, Object data) {
		send(UUID.randomUUID(), type, subject, data);
	}

	protected void send(UUID eventId, String type, UUID subject, Object data) {
		send(eventId, type, subject, data, Instant.now());
	}

	/** Publishes an event as made at {@code time} (its envelope's {@code time}). */
	protected void send(UUID eventId, String type, UUID subject, Object data, Instant time) {
		Map<String, Object> envelope = Map.of("id", eventId, "source", "test", "type", type, "time", time, "subject",
				subject, "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, type,
				MessageBuilder.withBody(this.jsonMapper.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
	}

	/** What GreenMail received for the address. */
	protected List<MimeMessage> inbox(String email) {
		return Arrays.stream(this.greenMail.getReceivedMessages()).filter((message) -> {
			try {
				Address[] to = message.getAllRecipients();
				return to != null && Arrays.stream(to).anyMatch((address) -> address.toString().contains(email));
			}
			catch (MessagingException ex) {
				throw new IllegalStateException(ex);
			}
		}).toList();
	}

	/**
	 * What GreenMail received in the mailbox of this envelope address ({@code RCPT TO}),
	 * whatever the headers say.
	 */
	protected List<MimeMessage> mailbox(String address) {
		return this.greenMail
			.findReceivedMessages((user) -> user.getEmail().equalsIgnoreCase(address), (message) -> true)
			.toList();
	}

	/**
	 * Waits until the address received {@code count} mails, then a little longer for
	 * extras.
	 */
	protected List<MimeMessage> awaitInbox(String email, int count) {
		await().atMost(Duration.ofSeconds(20)).until(() -> inbox(email).size() >= count);
		return inbox(email);
	}

	/** Delivery rows (kind, status) for one recipient, oldest first. */
	protected List<String> deliveries(UUID recipientId) {
		return this.jdbc
			.sql("SELECT kind || ' ' || status FROM deliveries WHERE recipient_id = ? ORDER BY created_at, kind")
			.param(recipientId)
			.query(String.class)
			.list();
	}

	/** Waits until mail-service has processed the event (its inbox holds the id). */
	protected void awaitProcessed(UUID eventId) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM event_inbox WHERE event_id = ?")
				.param(eventId)
				.query(Integer.class)
				.single() > 0);
	}

	/** Waits until nothing is queued or being sent. */
	protected void awaitQuiet() {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM deliveries WHERE status IN ('QUEUED', 'SENDING')")
				.query(Integer.class)
				.single() == 0);
	}

	/** The plain-text and the HTML part of a mail, in that order. */
	protected static List<String> parts(MimeMessage message) {
		try {
			List<String> parts = new java.util.ArrayList<>(List.of("", ""));
			collect(message, parts);
			return parts;
		}
		catch (MessagingException | java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void collect(jakarta.mail.Part part, List<String> parts)
			throws MessagingException, java.io.IOException {
		if (part.isMimeType("text/plain")) {
			parts.set(0, ((String) part.getContent()).replace("\r\n", "\n"));
		}
		else if (part.isMimeType("text/html")) {
			parts.set(1, ((String) part.getContent()).replace("\r\n", "\n"));
		}
		else if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
			for (int i = 0; i < multipart.getCount(); i++) {
				collect(multipart.getBodyPart(i), parts);
			}
		}
	}

	protected static String subject(MimeMessage message) {
		try {
			return message.getSubject();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A consumer as mail-service knows them. */
	public record User(UUID id, String email, String name, String locale) {
	}

}
