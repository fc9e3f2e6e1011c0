package com.moa.mail.delivery;

import java.net.IDN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.moa.mail.MailIntegrationTestSupport;
import com.moa.mail.MailProperties;
import com.moa.mail.content.MailComposer;
import com.moa.mail.delivery.Deliveries.Delivery;
import com.moa.mail.recipient.Directory;
import com.moa.platform.testing.LocalPorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sender driven by hand (the service's own sender threads are off here): a crash
 * between the SMTP server's acceptance and the SENT commit, a delivery log that cannot be
 * written then (for a while or for good), two senders on one log, permanent and transient
 * refusals, a relay deferring everything, a server slow to answer the data, throttling
 * and priority. Each test starts from an empty delivery log.
 */
@TestPropertySource(properties = { "moa.mail.sending.enabled=false", "moa.mail.sending.lease=1s" })
@ExtendWith(OutputCaptureExtension.class)
class SendingIntegrationTests extends MailIntegrationTestSupport {

	@Autowired
	DeliveryWorker worker;

	@Autowired
	Deliveries deliveries;

	@Autowired
	Directory directory;

	@Autowired
	MailComposer composer;

	@Autowired
	JavaMailSender sender;

	@Autowired
	MailProperties properties;

	@Autowired
	JdbcTemplate jdbcTemplate;

	/**
	 * The test workers' own scheduler for lease renewals: the 1 s lease is renewed every
	 * 333 ms, and on the application's one scheduler thread (Java 17) its other jobs
	 * could delay a renewal past the lease.
	 */
	private final ThreadPoolTaskScheduler leases = new ThreadPoolTaskScheduler();

	@BeforeEach
	void startLeases() {
		this.leases.setPoolSize(2);
		this.leases.initialize();
	}

	@AfterEach
	void stopLeases() {
		this.leases.shutdown();
	}

	@BeforeEach
	void emptyLog() {
		this.jdbc.sql("DELETE FROM deliveries").update();
	}

	@AfterEach
	void logWritableAgain() {
		this.jdbc.sql("DROP TRIGGER IF EXISTS failing_sent ON deliveries").update();
		this.jdbc.sql("DROP SEQUENCE IF EXISTS failed_sent_writes").update();
		this.jdbc.sql("DROP TRIGGER IF EXISTS unrecordable_address ON deliveries").update();
	}

	@Test
	void aSenderDyingAfterTheServerAcceptedLeavesTheMailToBeResentWithTheSameMessageId() throws Exception {
		User user = user("ko");
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		// The SMTP server accepts the mail, then the sender dies before recording it.
		Deliveries crashing = new Deliveries(this.jdbc, this.jdbcTemplate) {
			@Override
			Set<UUID> sent(UUID claim, Map<UUID, String> emails) {
				throw new IllegalStateException("process killed before the SENT commit");
			}
		};
		DeliveryWorker dying = worker(crashing, this.sender, this.properties.sending());
		try {
			dying.sendDue();
		}
		catch (IllegalStateException expected) {
		}
		assertThat(inbox(user.email())).hasSize(1);
		assertThat(deliveries(user.id())).containsExactly("WELCOME SENDING");

		// Within the lease nobody takes it; after it, the next sender does.
		assertThat(this.worker.sendDue()).isZero();
		Thread.sleep(1200);
		assertThat(this.worker.sendDue()).isEqualTo(1);

		List<MimeMessage> received = inbox(user.email());
		assertThat(received).hasSize(2);
		String messageId = this.jdbc.sql("SELECT message_id FROM deliveries WHERE recipient_id = ?")
			.param(user.id())
			.query(String.class)
			.single();
		assertThat(received).extracting(MimeMessage::getMessageID).containsOnly(messageId);
		assertThat(deliveries(user.id())).containsExactly("WELCOME SENT");
		// Nothing is left for a third send.
		Thread.sleep(1200);
		assertThat(this.worker.sendDue()).isZero();
		assertThat(inbox(user.email())).hasSize(2);
	}

	@Test
	void mailAcceptedWhileTheLogCannotBeWrittenIsRecordedLaterNotSentAgain() throws Exception {
		List<User> users = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			User user = userWithEmail("recorded-" + i + "-" + UUID.randomUUID() + "@example.com");
			this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
			users.add(user);
		}
		failSentWrites();
		// Sender threads as the service runs them, two: the second takes the rows if the
		// first lets their lease (1 s) run out.
		DeliveryWorker senders = worker(this.deliveries, this.sender,
				new MailProperties.Sending(true, 500, 2, 50, Duration.ofMillis(50), Duration.ofSeconds(1),
						Duration.ofMillis(200), Duration.ofSeconds(1), 20, Duration.ofDays(7)));
		senders.start();
		try {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> failedSentWrites() > 0
						&& users.stream().noneMatch((user) -> inbox(user.email()).isEmpty()));
			// The log stays unwritable for twice the lease: accepted, not recorded, not
			// sent
			// again.
			Thread.sleep(2000);
			assertThat(failedSentWrites()).as("recording retried").isGreaterThan(1);
			for (User user : users) {
				assertThat(inbox(user.email())).hasSize(1);
				assertThat(row(user.id())).containsEntry("status", "SENDING");
			}

			logWritableAgain();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> users.stream().allMatch((user) -> "SENT".equals(row(user.id()).get("status"))));
			Thread.sleep(1500);
		}
		finally {
			senders.stop();
		}
		for (User user : users) {
			assertThat(inbox(user.email())).hasSize(1);
			assertThat(row(user.id())).containsEntry("status", "SENT")
				.containsEntry("attempts", 1)
				.containsEntry("email", user.email());
		}
	}

	/**
	 * A SENT write the log refuses for good (a constraint: an address longer than its
	 * column was one) is not retried for ever, which held the sender, renewed the lease
	 * and sent the batch again after a restart: the others are recorded as usual, that
	 * one SENT without its address (the server did accept it), and nothing is sent twice.
	 */
	@Test
	void anAcceptedMailTheLogWillNotRecordDoesNotHoldUpItsBatchNorGoOutAgain(CapturedOutput output) throws Exception {
		User first = userWithEmail("first-" + UUID.randomUUID() + "@example.com");
		User unrecordable = userWithEmail("unrecordable-" + UUID.randomUUID() + "@example.com");
		User next = userWithEmail("next-" + UUID.randomUUID() + "@example.com");
		for (User user : List.of(first, unrecordable, next)) {
			this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		}
		refuseToRecord("unrecordable-%");

		assertThat(assertTimeoutPreemptively(Duration.ofSeconds(20), this.worker::sendDue)).isEqualTo(3);
		for (User user : List.of(first, next)) {
			assertThat(row(user.id())).containsEntry("status", "SENT")
				.containsEntry("attempts", 1)
				.containsEntry("email", user.email());
		}
		assertThat(row(unrecordable.id())).containsEntry("status", "SENT")
			.containsEntry("attempts", 1)
			.containsEntry("email", null);
		assertThat((String) row(unrecordable.id()).get("last_error")).contains("could not be recorded")
			.contains("varying(254)");
		// Logged by its id, without the address (PgJDBC quotes it in the batch's error).
		String id = this.jdbc.sql("SELECT CAST(id AS text) FROM deliveries WHERE recipient_id = ?")
			.param(unrecordable.id())
			.query(String.class)
			.single();
		assertThat(ownLog(output)).contains("Mail " + id + " was accepted by the SMTP server, but the delivery log")
			.contains("email = ('<address>')")
			.doesNotContain(unrecordable.email());
		// Past the lease: nothing is left to send again.
		Thread.sleep(1200);
		assertThat(this.worker.sendDue()).isZero();
		for (User user : List.of(first, unrecordable, next)) {
			assertThat(inbox(user.email())).hasSize(1);
		}
	}

	/**
	 * Under prod STARTTLS is required, not just used when offered: a relay that does not
	 * offer it, or an attacker on the path who strips the offer, gets neither our login
	 * nor a mail in plaintext. That says nothing about the mail: it waits, uncounted, as
	 * for a server that cannot be reached, and is not dropped. Only a local sink without
	 * TLS is sent to in the clear ({@code MOA_MAIL_SMTP_STARTTLS_REQUIRED=false}).
	 */
	@Test
	void underProdARelayOfferingNoStarttlsGetsNoMailAndTheMailWaitsUncounted() {
		// GreenMail offers no STARTTLS.
		User user = userWithEmail("tls-" + UUID.randomUUID() + "@example.com");
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		prodMailSender().run((context) -> {
			DeliveryWorker prod = worker(this.deliveries, context.getBean(JavaMailSender.class),
					this.properties.sending());
			assertThatExceptionOfType(SmtpUnreachableException.class).isThrownBy(prod::sendDue)
				.withMessageContaining("STARTTLS is required");
		});
		assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
		assertThat((String) row(user.id()).get("last_error")).contains("STARTTLS is required");
		assertThat(inbox(user.email())).isEmpty();

		prodMailSender().withPropertyValues("MOA_MAIL_SMTP_STARTTLS_REQUIRED=false").run((context) -> {
			DeliveryWorker localSink = worker(this.deliveries, context.getBean(JavaMailSender.class),
					this.properties.sending());
			assertThat(localSink.sendDue()).isEqualTo(1);
		});
		assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
		assertThat(inbox(user.email())).hasSize(1);
	}

	/**
	 * A cancel whose mail was deferred (retried after a backoff) and then withdrawn: the
	 * mail saying it was withdrawn goes out, and the stale cancel is not sent after it,
	 * where it would be the subscriber's last word while they are charged again.
	 */
	@Test
	void aCancelRetriedAfterItsWithdrawalWasMailedIsNotSent() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.refusing()) {
			// The stub defers full-* (452 4.2.2, a full mailbox); GreenMail takes it.
			User user = userWithEmail("full-" + UUID.randomUUID() + "@example.com");
			UUID productId = UUID.randomUUID();
			this.jdbc.sql("INSERT INTO mail_products (product_id, title, version) VALUES (?, 'Tea Box', 1)")
				.param(productId)
				.update();
			UUID subscriptionId = UUID.randomUUID();
			this.jdbc
				.sql("""
						INSERT INTO mail_subscriptions (subscription_id, user_id, product_id, status, live, version, live_since)
						VALUES (?, ?, ?, 'ACTIVE', true, 1, now() - interval '1 day')""")
				.params(subscriptionId, user.id(), productId)
				.update();

			Map<String, Object> canceled = subscriptionData(subscriptionId, user, productId, "ACTIVE", 2);
			canceled.put("atPeriodEnd", true);
			canceled.put("effectiveAt", "2026-12-31T00:00:00Z");
			send("subscription.canceled", subscriptionId, canceled);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> deliveries(user.id()).equals(List.of("SUBSCRIPTION_CANCELED QUEUED")));
			MailProperties.Sending backoff = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(10), 20, Duration.ofDays(7));
			assertThat(worker(this.deliveries, sender(server.port()), backoff).sendDue()).isEqualTo(1);
			assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 1);

			send("subscription.resumed", subscriptionId,
					subscriptionData(subscriptionId, user, productId, "ACTIVE", 3));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> deliveries(user.id()).contains("SUBSCRIPTION_RESUMED QUEUED"));
			assertThat(this.worker.sendDue()).isEqualTo(1);
			assertThat(inbox(user.email())).extracting(MailIntegrationTestSupport::subject)
				.containsExactly("[Moa Subscribe] Your subscription to Tea Box continues");

			// The cancel's backoff runs out.
			this.jdbc.sql("UPDATE deliveries SET next_attempt_at = now() WHERE recipient_id = ? AND status = 'QUEUED'")
				.param(user.id())
				.update();
			assertThat(this.worker.sendDue()).isEqualTo(1);
			assertThat(this.worker.sendDue()).isZero();
			assertThat(inbox(user.email())).extracting(MailIntegrationTestSupport::subject)
				.containsExactly("[Moa Subscribe] Your subscription to Tea Box continues");
			assertThat(deliveries(user.id())).containsExactlyInAnyOrder("SUBSCRIPTION_CANCELED SUPERSEDED",
					"SUBSCRIPTION_RESUMED SENT");
			assertThat(server.accepted()).isEmpty();
		}
	}

	@Test
	void smtpSocketsAreOpenedWithoutNagleDelay() {
		// Without TCP_NODELAY every multi-segment message waited 40 ms for a delayed ACK
		// (bench/RESULTS.md); every test here sends through this factory.
		assertThat(((JavaMailSenderImpl) this.sender).getJavaMailProperties().get("mail.smtp.socketFactory"))
			.isInstanceOf(NoDelaySocketFactory.class);
	}

	@Test
	void twoSendersOnOneLogSendEveryMailOnce() throws Exception {
		int count = 400;
		UUID productId = UUID.randomUUID();
		List<String> emails = bulkSubscribers(productId, count);
		termsChange(productId, 2);
		DeliveryWorker other = worker(this.deliveries, this.sender, this.properties.sending());
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Callable<Integer>> senders = new ArrayList<>();
			for (DeliveryWorker each : List.of(this.worker, other, this.worker, other)) {
				senders.add(() -> {
					int sent = 0;
					for (int claimed; (claimed = each.sendDue()) > 0;) {
						sent += claimed;
					}
					return sent;
				});
			}
			int claimed = 0;
			for (Future<Integer> result : pool.invokeAll(senders)) {
				claimed += result.get();
			}
			assertThat(claimed).isEqualTo(count);
		}
		finally {
			pool.shutdown();
		}
		Set<String> recipients = new HashSet<>();
		Set<String> messageIds = new HashSet<>();
		for (MimeMessage message : this.greenMail.getReceivedMessages()) {
			String to = message.getAllRecipients()[0].toString();
			if (emails.stream().anyMatch(to::contains)) {
				assertThat(recipients.add(to)).as("second mail to %s", to).isTrue();
				messageIds.add(message.getMessageID());
			}
		}
		assertThat(recipients).hasSize(count);
		assertThat(messageIds).hasSize(count);
		assertThat(this.jdbc.sql("SELECT count(*) FROM deliveries WHERE status = 'SENT'").query(Integer.class).single())
			.isEqualTo(count);
	}

	@Test
	void aPermanentRefusalFailsAtOnceATemporaryOneIsRetriedUntilTheLimit() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.refusing()) {
			User bounce = userWithEmail("bounce-" + UUID.randomUUID() + "@example.com");
			User later = userWithEmail("later-" + UUID.randomUUID() + "@example.com");
			User fine = userWithEmail("fine-" + UUID.randomUUID() + "@example.com");
			for (User user : List.of(bounce, later, fine)) {
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
			}
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker refused = worker(this.deliveries, sender(server.port()), quick);

			assertThat(refused.sendDue()).isEqualTo(3);
			assertThat(server.accepted()).containsExactly(fine.email());
			assertThat(row(bounce.id())).containsEntry("status", "FAILED").containsEntry("attempts", 1);
			assertThat((String) row(bounce.id()).get("last_error")).contains("550");
			assertThat(row(later.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 1);
			assertThat((String) row(later.id()).get("last_error")).contains("451");
			assertThat(row(fine.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);

			// 451 again, twice (a reply to RCPT TO is the recipient's): the third attempt
			// is the last.
			List<String> accepted = new ArrayList<>(List.of(fine.email()));
			for (int attempt = 2; attempt <= 3; attempt++) {
				User next = userWithEmail("fine-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, next.id().toString(), next.id(), Map.of());
				accepted.add(next.email());
				assertThat(refused.sendDue()).isEqualTo(2);
			}
			assertThat(row(later.id())).containsEntry("status", "FAILED").containsEntry("attempts", 3);
			assertThat(refused.sendDue()).isZero();
			assertThat(server.accepted()).containsExactlyElementsOf(accepted);
		}
	}

	@Test
	void anUnreachableServerCostsTheMailNoAttempt() {
		User user = user("ko");
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		int closedPort = LocalPorts.closed();
		DeliveryWorker cut = worker(this.deliveries, sender(closedPort), this.properties.sending());
		assertThatExceptionOfType(SmtpUnreachableException.class).isThrownBy(cut::sendDue);
		assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
		assertThat(this.worker.sendDue()).isEqualTo(1);
		assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
	}

	/**
	 * A user.* or product.* event hours late (a lagging queue or outbox, a new
	 * environment before its backfill) costs the mail no attempt: it waits however often
	 * it is tried, and goes out once both projections are there.
	 */
	@Test
	void aMailWaitingForItsRecipientOrProductCostsNoAttemptAndGoesOutWhenTheyArrive() {
		UUID userId = UUID.randomUUID();
		UUID productId = UUID.randomUUID();
		this.deliveries.enqueue(MailKind.SUBSCRIPTION_CONFIRMED, UUID.randomUUID().toString(), userId,
				Map.of("productId", productId.toString(), "price", 15000, "currency", "KRW", "billingPeriod", "MONTHLY",
						"currentPeriodEnd", "2026-12-31T00:00:00Z"));
		// Two attempts at most, retried at once: counted, the second try would fail it.
		MailProperties.Sending twice = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
				Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 2, Duration.ofHours(1));
		DeliveryWorker worker = worker(this.deliveries, this.sender, twice);

		for (int i = 0; i < 5; i++) {
			assertThat(worker.sendDue()).isEqualTo(1);
		}
		assertThat(row(userId)).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
		assertThat((String) row(userId).get("last_error")).contains("recipient " + userId + " unknown");
		Object waitingSince = waitingSince(userId);
		assertThat(waitingSince).isNotNull();

		String email = "late-" + userId + "@example.com";
		this.jdbc.sql("INSERT INTO mail_users (user_id, email, name, locale, version) VALUES (?, ?, 'Late', 'en', 1)")
			.params(userId, email)
			.update();
		for (int i = 0; i < 3; i++) {
			assertThat(worker.sendDue()).isEqualTo(1);
		}
		assertThat(row(userId)).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
		assertThat((String) row(userId).get("last_error")).contains("product " + productId + " unknown");
		// The wait's budget runs from its start, whatever it waits for.
		assertThat(waitingSince(userId)).isEqualTo(waitingSince);
		assertThat(inbox(email)).isEmpty();

		this.jdbc.sql("INSERT INTO mail_products (product_id, title, version) VALUES (?, 'Late Box', 1)")
			.param(productId)
			.update();
		assertThat(worker.sendDue()).isEqualTo(1);
		assertThat(row(userId)).containsEntry("status", "SENT")
			.containsEntry("attempts", 1)
			.containsEntry("email", email)
			.containsEntry("last_error", null);
		assertThat(waitingSince(userId)).isNull();
		assertThat(awaitInbox(email, 1)).extracting(MailIntegrationTestSupport::subject)
			.containsExactly("[Moa Subscribe] Your subscription to Late Box has started");
	}

	/**
	 * A waiting mail is tried again as long after as it has waited (at least the initial
	 * backoff, at most the longest), and FAILED, still uncounted, only when the
	 * projection has not come within its budget.
	 */
	@Test
	void aMailWaitingForAProjectionIsRetriedAtMostTheLongestBackoffApartUntilItsBudgetRunsOut() {
		UUID userId = UUID.randomUUID();
		this.deliveries.enqueue(MailKind.WELCOME, userId.toString(), userId, Map.of());
		MailProperties.Sending slowly = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
				Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(10), 20, Duration.ofDays(1));
		DeliveryWorker worker = worker(this.deliveries, this.sender, slowly);

		assertThat(worker.sendDue()).isEqualTo(1);
		assertThat(secondsUntilNextAttempt(userId)).isBetween(3.0, 5.0);
		// Waiting for three hours: ten minutes apart.
		waitedSince(userId, "3 hours");
		assertThat(worker.sendDue()).isEqualTo(1);
		assertThat(secondsUntilNextAttempt(userId)).isBetween(590.0, 600.0);
		assertThat(row(userId)).containsEntry("status", "QUEUED").containsEntry("attempts", 0);

		waitedSince(userId, "1 day 1 minute");
		assertThat(worker.sendDue()).isEqualTo(1);
		assertThat(row(userId)).containsEntry("status", "FAILED").containsEntry("attempts", 0);
		assertThat((String) row(userId).get("last_error")).contains("recipient " + userId + " unknown");
		assertThat(worker.sendDue()).isZero();
	}

	@Test
	void aSessionOutlastingTheLeaseKeepsItsMailFromASecondSender() throws Exception {
		// 4 messages at 600 ms each: the session takes 2.4 s, the lease is 1 s.
		try (StubSmtpServer slow = StubSmtpServer.acceptingSlowly(Duration.ofMillis(600))) {
			List<User> users = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				User user = userWithEmail("slow-" + i + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
				users.add(user);
			}
			MailProperties.Sending shortLease = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker first = worker(this.deliveries, sender(slow.port()), shortLease);
			DeliveryWorker second = worker(this.deliveries, sender(slow.port()), shortLease);
			ExecutorService pool = Executors.newSingleThreadExecutor();
			try {
				Future<Integer> firstClaimed = pool.submit(first::sendDue);
				await().atMost(Duration.ofSeconds(5)).until(() -> !slow.accepted().isEmpty());
				int secondClaimed = 0;
				while (!firstClaimed.isDone()) {
					secondClaimed += second.sendDue();
					Thread.sleep(100);
				}
				assertThat(firstClaimed.get()).isEqualTo(4);
				assertThat(secondClaimed).isZero();
			}
			finally {
				pool.shutdown();
			}
			assertThat(slow.accepted()).containsExactlyInAnyOrderElementsOf(users.stream().map(User::email).toList());
			for (User user : users) {
				assertThat(row(user.id())).containsEntry("status", "SENT")
					.containsEntry("attempts", 1)
					.containsEntry("email", user.email());
			}
		}
	}

	@Test
	void aSenderWhoseClaimWasTakenCannotChangeTheNewClaimsRows() {
		User user = userWithEmail("claimed-" + UUID.randomUUID() + "@example.com");
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		Delivery late = this.deliveries.claim(10, Duration.ofMinutes(1)).get(0);
		this.jdbc.sql("UPDATE deliveries SET lease_until = now() - interval '1 second'").update();
		Delivery current = this.deliveries.claim(10, Duration.ofMinutes(1)).get(0);
		assertThat(current.claim()).isNotEqualTo(late.claim());

		// The first sender's writes arrive late: none may touch the second one's claim.
		this.deliveries.failed(late, "late failure");
		this.deliveries.retryLater(late, "late retry", Duration.ZERO);
		this.deliveries.release(late.claim(), List.of(late.id()), "late release");
		this.deliveries.sent(late.claim(), Map.of(late.id(), "elsewhere@example.com"));
		assertThat(row(user.id())).containsEntry("status", "SENDING")
			.containsEntry("attempts", 0)
			.containsEntry("last_error", null);

		this.deliveries.sent(current.claim(), Map.of(current.id(), user.email()));
		assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("email", user.email());
	}

	/**
	 * The database stalls longer than the lease after a sender claimed its batch (while
	 * composing it or waiting for the rate limiter, the renewal stalled too): another
	 * sender takes the rows and sends them. The first must not send them as well, nor
	 * count them.
	 */
	@Test
	void aSenderWhoseLeaseRanOutBeforeItsSessionLeavesTheMailToTheSenderThatTookIt() {
		User user = userWithEmail("stalled-" + UUID.randomUUID() + "@example.com");
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		Deliveries stalling = new Deliveries(this.jdbc, this.jdbcTemplate) {
			@Override
			List<Delivery> claim(int limit, Duration lease) {
				List<Delivery> batch = super.claim(limit, lease);
				leaseRunsOut(user.id());
				assertThat(SendingIntegrationTests.this.worker.sendDue()).as("taken by the other sender").isEqualTo(1);
				return batch;
			}
		};
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		DeliveryWorker stalled = worker(stalling, this.sender, this.properties.sending(), meters);

		assertThat(stalled.sendDue()).isEqualTo(1);
		assertThat(inbox(user.email())).hasSize(1);
		assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
		assertThat(meters.find("moa.mail.sent").counters()).isEmpty();
	}

	/**
	 * A claim lost during the session (the lease ran out while the server took the mail)
	 * cannot be recorded by this sender, and the mail is not counted as its own: the
	 * sender that took the row sends it again, with the same Message-ID, and counts it.
	 */
	@Test
	void mailWhoseClaimWasLostDuringTheSessionIsNotCountedAsSentByThisSender() {
		User user = userWithEmail("lost-" + UUID.randomUUID() + "@example.com");
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		JavaMailSenderImpl smtp = (JavaMailSenderImpl) this.sender;
		List<UUID> takenBy = new ArrayList<>();
		JavaMailSenderImpl losing = new JavaMailSenderImpl() {
			@Override
			protected void doSend(MimeMessage[] mimeMessages, Object[] originalMessages) {
				super.doSend(mimeMessages, originalMessages);
				leaseRunsOut(user.id());
				takenBy.add(SendingIntegrationTests.this.deliveries.claim(10, Duration.ofMinutes(1)).get(0).claim());
			}
		};
		losing.setHost(smtp.getHost());
		losing.setPort(smtp.getPort());
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		DeliveryWorker worker = worker(this.deliveries, losing, this.properties.sending(), meters);

		assertThat(worker.sendDue()).isEqualTo(1);
		assertThat(inbox(user.email())).hasSize(1);
		assertThat(meters.find("moa.mail.sent").counters()).isEmpty();
		assertThat(row(user.id())).containsEntry("status", "SENDING").containsEntry("attempts", 0);
		assertThat(this.jdbc.sql("SELECT claim FROM deliveries WHERE recipient_id = ?")
			.param(user.id())
			.query(UUID.class)
			.single()).isEqualTo(takenBy.get(0));
	}

	/**
	 * A newer release's mail (a rolling update, or rows left after a rollback) waits for
	 * an instance that knows its kind instead of failing the batch claimed with it.
	 */
	@Test
	void mailOfAKindThisReleaseDoesNotKnowIsLeftQueued() {
		User user = userWithEmail("newer-" + UUID.randomUUID() + "@example.com");
		this.jdbc
			.sql("""
					INSERT INTO deliveries (id, kind, source_key, recipient_id, payload, priority, status, message_id,
					                        next_attempt_at)
					VALUES (?, 'FROM_A_NEWER_RELEASE', 'x', ?, '{}', 0, 'QUEUED', 'newer@moa', now() - interval '1 hour')""")
			.params(UUID.randomUUID(), user.id())
			.update();
		this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());

		assertThat(this.deliveries.claim(10, Duration.ofMinutes(1))).extracting(Delivery::kind)
			.containsExactly(MailKind.WELCOME);
		assertThat(this.jdbc.sql("SELECT status FROM deliveries WHERE kind = 'FROM_A_NEWER_RELEASE'")
			.query(String.class)
			.single()).isEqualTo("QUEUED");
		assertThat(this.deliveries.find(user.id(), null, null, 10)).extracting(Delivery::kind)
			.containsExactly(MailKind.WELCOME);
	}

	@Test
	void aSessionFailingOnlyAtQuitRecordsEveryAcceptedMailSent() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.resettingOnQuit()) {
			List<User> users = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				User user = userWithEmail("quit-" + i + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
				users.add(user);
			}
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker worker = worker(this.deliveries, sender(server.port()), quick);

			assertThat(worker.sendDue()).isEqualTo(3);
			for (User user : users) {
				assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
			}
			// Nothing is left to be sent a second time.
			assertThat(worker.sendDue()).isZero();
			assertThat(server.accepted()).containsExactlyInAnyOrderElementsOf(users.stream().map(User::email).toList());
		}
	}

	@Test
	void aLoginRefusedOnReconnectingMidBatchKeepsWhatWasAlreadyAccepted() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.endingSessionsThenRefusingLogin(1)) {
			List<User> users = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				User user = userWithEmail("relogin-" + i + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
				users.add(user);
			}
			JavaMailSenderImpl sender = (JavaMailSenderImpl) sender(server.port());
			sender.setUsername("moa");
			sender.setPassword("secret");
			sender.getJavaMailProperties().put("mail.smtp.auth", "true");
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker worker = worker(this.deliveries, sender, quick);

			// The first is accepted, the second gets a 421 that ends the session, the
			// login for the third is refused.
			assertThatExceptionOfType(SmtpUnreachableException.class).isThrownBy(worker::sendDue);
			assertThat(server.accepted()).containsExactly(users.get(0).email());
			assertThat(row(users.get(0).id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
			for (User user : users.subList(1, 3)) {
				assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
			}
		}
	}

	@Test
	void aServerThatWillNotGreetCostsTheMailNoAttempt() throws Exception {
		for (StubSmtpServer server : List.of(StubSmtpServer.greetingWith("421 4.3.2 busy, try later"),
				StubSmtpServer.closingAtOnce())) {
			try (server) {
				this.jdbc.sql("DELETE FROM deliveries").update();
				User user = user("ko");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
				DeliveryWorker away = worker(this.deliveries, sender(server.port()), this.properties.sending());

				assertThatExceptionOfType(SmtpUnreachableException.class).isThrownBy(away::sendDue);
				assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
				// A real server back: delivered once.
				assertThat(this.worker.sendDue()).isEqualTo(1);
				assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
				assertThat(inbox(user.email())).hasSize(1);
			}
		}
	}

	@Test
	void aServerRefusingEveryMailOfASessionDoesNotFailThemAtOnce() throws Exception {
		// Our sender refused (550 to MAIL FROM): the server refuses us, not each
		// recipient.
		try (StubSmtpServer server = StubSmtpServer.refusingSender()) {
			User first = userWithEmail("first-" + UUID.randomUUID() + "@example.com");
			User second = userWithEmail("second-" + UUID.randomUUID() + "@example.com");
			for (User user : List.of(first, second)) {
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
			}
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker refused = worker(this.deliveries, sender(server.port()), quick);

			assertThat(refused.sendDue()).isEqualTo(2);
			for (User user : List.of(first, second)) {
				assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 1);
				assertThat((String) row(user.id()).get("last_error")).contains("550 5.7.1 sender blocked");
			}
			assertThat(server.accepted()).isEmpty();
		}
	}

	/**
	 * A refusal at RCPT TO that is not about the mailbox (relaying denied to a relay
	 * missing our login, throttling, our sender refused by a check Postfix delays to RCPT
	 * TO, a bare 550 without an enhanced code) is taken as one of us when it is the
	 * session's only answer: counted but failed at no first attempt, or given back
	 * uncounted for a 4xx, so a relay misconfigured for an hour cannot fail a backlog.
	 */
	@Test
	void aRefusalAtRcptThatIsNotAboutTheMailboxFailsNothingAtOnce() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.refusing()) {
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker refused = worker(this.deliveries, sender(server.port()), quick);
			for (String refusal : List.of("relaydenied", "exim")) {
				User user = userWithEmail(refusal + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());

				assertThat(refused.sendDue()).isEqualTo(1);
				assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 1);
				this.jdbc.sql("UPDATE deliveries SET status = 'FAILED' WHERE recipient_id = ?")
					.param(user.id())
					.update();
			}
			for (String deferral : List.of("throttled", "sendercheck")) {
				User user = userWithEmail(deferral + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());

				assertThatExceptionOfType(SmtpUnreachableException.class).isThrownBy(refused::sendDue)
					.withMessageContaining("every mail deferred");
				assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
				this.jdbc.sql("UPDATE deliveries SET status = 'FAILED' WHERE recipient_id = ?")
					.param(user.id())
					.update();
			}
			assertThat(server.accepted()).isEmpty();
		}
	}

	/**
	 * A reply to RCPT TO is about that recipient, whatever else the session held: a lone
	 * mail's 550 used to count as the server refusing every mail (retried 20 times), and
	 * so did a batch whose recipients all bounce.
	 */
	@Test
	void aRecipientRefusedAtRcptFailsAtOnceAloneOrWithTheWholeBatch(CapturedOutput output) throws Exception {
		try (StubSmtpServer server = StubSmtpServer.refusing()) {
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker refused = worker(this.deliveries, sender(server.port()), quick);
			User lone = userWithEmail("bounce-" + UUID.randomUUID() + "@example.com");
			this.deliveries.enqueue(MailKind.WELCOME, lone.id().toString(), lone.id(), Map.of());

			assertThat(refused.sendDue()).isEqualTo(1);
			assertThat(row(lone.id())).containsEntry("status", "FAILED").containsEntry("attempts", 1);
			assertThat((String) row(lone.id()).get("last_error")).contains("550 5.1.1");
			// The log names the user, and quotes the reply without the address in it.
			assertThat(ownLog(output))
				.contains("to " + lone.id() + " failed for good: SendFailedException: Invalid Addresses"
						+ " <- SMTPAddressFailedException: 550 5.1.1 <address>: no such mailbox")
				.doesNotContain(lone.email());

			List<User> batch = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				User user = userWithEmail("bounce-" + i + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
				batch.add(user);
			}
			assertThat(refused.sendDue()).isEqualTo(2);
			for (User user : batch) {
				assertThat(row(user.id())).containsEntry("status", "FAILED").containsEntry("attempts", 1);
			}
			assertThat(refused.sendDue()).isZero();
			assertThat(server.accepted()).isEmpty();
		}
	}

	/**
	 * A lone mail's 452 to RCPT TO is its recipient's (a full mailbox): counted and
	 * retried after the backoff. Taken for a relay deferring every mail, it went back
	 * uncounted and due at once, to be tried again and again for ever.
	 */
	@Test
	void aLoneRecipientDeferredAtRcptIsRetriedAfterTheBackoff() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.refusing()) {
			User full = userWithEmail("full-" + UUID.randomUUID() + "@example.com");
			this.deliveries.enqueue(MailKind.WELCOME, full.id().toString(), full.id(), Map.of());
			MailProperties.Sending backoff = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(10), 3, Duration.ofDays(7));
			DeliveryWorker deferred = worker(this.deliveries, sender(server.port()), backoff);

			assertThat(deferred.sendDue()).isEqualTo(1);
			assertThat(row(full.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 1);
			assertThat((String) row(full.id()).get("last_error")).contains("452 4.2.2");
			assertThat(secondsUntilNextAttempt(full.id())).isBetween(25.0, 30.0);
			assertThat(deferred.sendDue()).isZero();
			assertThat(server.accepted()).isEmpty();
		}
	}

	@Test
	void aRelayDeferringEveryMailGetsTheBatchBackUncountedUntilItAcceptsAgain() throws Exception {
		try (StubSmtpServer server = StubSmtpServer.deferringEverything()) {
			List<User> users = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				User user = userWithEmail("deferred-" + i + "-" + UUID.randomUUID() + "@example.com");
				this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
				users.add(user);
			}
			MailProperties.Sending quick = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker deferred = worker(this.deliveries, sender(server.port()), quick);

			// More sessions than attempts allowed: counted, every mail would be FAILED.
			for (int session = 0; session < 5; session++) {
				assertThatExceptionOfType(SmtpUnreachableException.class).isThrownBy(deferred::sendDue)
					.withMessageContaining("every mail deferred");
			}
			for (User user : users) {
				assertThat(row(user.id())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
				assertThat((String) row(user.id()).get("last_error")).contains("every mail deferred");
			}
			assertThat(server.accepted()).isEmpty();

			server.acceptAgain();
			assertThat(deferred.sendDue()).isEqualTo(4);
			for (User user : users) {
				assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
			}
			assertThat(deferred.sendDue()).isZero();
			assertThat(server.accepted()).containsExactlyInAnyOrderElementsOf(users.stream().map(User::email).toList());
		}
	}

	@Test
	void anAddressThatNeedsSmtputf8FailsAloneAndTheRestOfItsSessionIsSent() {
		// 갍 is U+AC0D: written as its low byte it was a CR inside RCPT TO, which broke
		// the transaction and with it the session the next mail was sent in.
		User first = userWithEmail("first-" + UUID.randomUUID() + "@example.com");
		User broken = userWithEmail("갍-" + UUID.randomUUID() + "@example.com");
		User next = userWithEmail("next-" + UUID.randomUUID() + "@example.com");
		for (User user : List.of(first, broken, next)) {
			this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		}

		assertThat(this.worker.sendDue()).isEqualTo(3);
		assertThat(row(broken.id())).containsEntry("status", "FAILED").containsEntry("attempts", 1);
		assertThat((String) row(broken.id()).get("last_error")).contains("address needs SMTPUTF8");
		for (User user : List.of(first, next)) {
			assertThat(row(user.id())).containsEntry("status", "SENT");
			assertThat(inbox(user.email())).hasSize(1);
		}
	}

	/**
	 * The longest address SMTP carries is 254 characters, and an internationalized one
	 * can be much longer in the ASCII form it is sent in than typed (127 characters, 263
	 * in punycode). Handed over, the server took it and the log could not record it: the
	 * sender retried that write for ever, the batch was sent again after a restart.
	 */
	@Test
	void anAddressLongerThanSmtpAllowsFailsAloneAndTheRestOfItsSessionIsSentOnce() throws Exception {
		String label = "가나다라마바사아자차카타파하가나다라마";
		// 64 characters, the longest local part, unique to this run.
		String local = UUID.randomUUID().toString().replace("-", "").repeat(2);
		String longestDomain = label + "." + label + "." + label.substring(0, 16) + ".한국";
		String tooLongDomain = label + "." + label + "." + label + ".한국";
		User first = userWithEmail("first-" + UUID.randomUUID() + "@example.com");
		User longest = userWithEmail(local + "@" + longestDomain);
		User tooLong = userWithEmail(local + "@" + tooLongDomain);
		User next = userWithEmail("next-" + UUID.randomUUID() + "@example.com");
		for (User user : List.of(first, longest, tooLong, next)) {
			this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
		}
		String longestAscii = local + "@" + IDN.toASCII(longestDomain);
		String tooLongAscii = local + "@" + IDN.toASCII(tooLongDomain);
		assertThat(longestAscii).hasSize(254);
		assertThat(tooLongAscii).hasSize(263);

		assertThat(assertTimeoutPreemptively(Duration.ofSeconds(20), this.worker::sendDue)).isEqualTo(4);
		assertThat(row(tooLong.id())).containsEntry("status", "FAILED").containsEntry("attempts", 1);
		assertThat((String) row(tooLong.id()).get("last_error")).contains("longer than SMTP allows");
		assertThat(row(longest.id())).containsEntry("status", "SENT")
			.containsEntry("attempts", 1)
			.containsEntry("email", longestAscii);
		for (User user : List.of(first, next)) {
			assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("email", user.email());
		}
		// Past the lease: nothing is sent again.
		Thread.sleep(1200);
		assertThat(this.worker.sendDue()).isZero();
		assertThat(mailbox(longestAscii)).hasSize(1);
		assertThat(mailbox(tooLongAscii)).isEmpty();
		for (User user : List.of(first, next)) {
			assertThat(inbox(user.email())).hasSize(1);
		}
	}

	/**
	 * RFC 5321 (4.5.3.2.6) has a client wait 10 minutes for the reply to the end of the
	 * data: the server may be delivering the mail meanwhile, and a timeout there is no
	 * refusal (counted as one, the mail went out again). The configured read timeout, a
	 * hundred times shorter here, outlasts a server slower than the old one (10 s, 100 ms
	 * here) and than the lease, which is renewed while the sender waits.
	 */
	@Test
	void aServerSlowToAnswerTheEndOfTheDataGetsTheMailOnce() throws Exception {
		long readTimeout = Long
			.parseLong(((JavaMailSenderImpl) this.sender).getJavaMailProperties().getProperty("mail.smtp.timeout"));
		try (StubSmtpServer slow = StubSmtpServer.acceptingSlowly(Duration.ofSeconds(2))) {
			User user = userWithEmail("slow-" + UUID.randomUUID() + "@example.com");
			this.deliveries.enqueue(MailKind.WELCOME, user.id().toString(), user.id(), Map.of());
			JavaMailSenderImpl scaled = (JavaMailSenderImpl) sender(slow.port());
			scaled.getJavaMailProperties().put("mail.smtp.timeout", String.valueOf(readTimeout / 100));
			MailProperties.Sending shortLease = new MailProperties.Sending(true, 100, 1, 10, Duration.ofMillis(50),
					Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, 3, Duration.ofDays(7));
			DeliveryWorker first = worker(this.deliveries, scaled, shortLease);
			DeliveryWorker second = worker(this.deliveries, scaled, shortLease);
			ExecutorService pool = Executors.newSingleThreadExecutor();
			try {
				Future<Integer> firstClaimed = pool.submit(first::sendDue);
				// The second sender tries once the first has claimed the mail.
				await().atMost(Duration.ofSeconds(5))
					.until(() -> this.jdbc.sql(
							"SELECT count(*) FROM deliveries WHERE recipient_id = ? AND (status <> 'QUEUED' OR attempts > 0)")
						.param(user.id())
						.query(Integer.class)
						.single() == 1);
				int secondClaimed = 0;
				while (!firstClaimed.isDone()) {
					secondClaimed += second.sendDue();
					Thread.sleep(100);
				}
				assertThat(firstClaimed.get()).isEqualTo(1);
				assertThat(secondClaimed).isZero();
			}
			finally {
				pool.shutdown();
			}
			Thread.sleep(1200);
			assertThat(first.sendDue() + second.sendDue()).as("claimed to be sent again").isZero();
			assertThat(slow.accepted()).containsExactly(user.email());
			assertThat(row(user.id())).containsEntry("status", "SENT").containsEntry("attempts", 1);
		}
	}

	@Test
	void transactionalMailGoesBeforeATermsChangeBacklog() {
		UUID productId = UUID.randomUUID();
		bulkSubscribers(productId, 120);
		termsChange(productId, 3);
		User newcomer = user("en");
		this.deliveries.enqueue(MailKind.WELCOME, newcomer.id().toString(), newcomer.id(), Map.of());
		// The backlog was queued first; the welcome still goes in the first batch.
		this.worker.sendDue();
		assertThat(deliveries(newcomer.id())).containsExactly("WELCOME SENT");
		assertThat(this.jdbc.sql("SELECT count(*) FROM deliveries WHERE kind = 'TERMS_CHANGED' AND status = 'QUEUED'")
			.query(Integer.class)
			.single()).isEqualTo(120 - 49);
	}

	@Test
	void sendingIsThrottledToTheConfiguredRate() {
		UUID productId = UUID.randomUUID();
		bulkSubscribers(productId, 60);
		termsChange(productId, 4);
		MailProperties.Sending slow = new MailProperties.Sending(true, 20, 1, 50, Duration.ofMillis(50),
				Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1), 3, Duration.ofDays(7));
		DeliveryWorker throttled = worker(this.deliveries, this.sender, slow);
		long started = System.nanoTime();
		int sent = 0;
		for (int claimed; (claimed = throttled.sendDue()) > 0;) {
			assertThat(claimed).isLessThanOrEqualTo(20);
			sent += claimed;
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(sent).isEqualTo(60);
		// 60 mails at 20/s: the first 20 at once, then one batch per second. A lower
		// bound only, which a slow machine cannot break.
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	/**
	 * Makes every write of a SENT outcome fail, as during a database failover, until
	 * {@link #logWritableAgain()}; {@link #failedSentWrites()} counts the failures.
	 */
	private void failSentWrites() {
		this.jdbc.sql("CREATE SEQUENCE failed_sent_writes").update();
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION failing_sent() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF NEW.status = 'SENT' THEN
				    PERFORM nextval('failed_sent_writes');
				    RAISE EXCEPTION 'simulated failover, the delivery log cannot be written';
				  END IF;
				  RETURN NEW;
				END $$""").update();
		this.jdbc
			.sql("CREATE TRIGGER failing_sent BEFORE UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION failing_sent()")
			.update();
	}

	/**
	 * Makes the log refuse the SENT write of the addresses {@code pattern} matches
	 * (LIKE), as PostgreSQL refused an address longer than the column (SQLSTATE 22001).
	 */
	private void refuseToRecord(String pattern) {
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION unrecordable_address() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF NEW.status = 'SENT' AND NEW.email LIKE '%s' THEN
				    RAISE EXCEPTION 'value too long for type character varying(254)'
				      USING ERRCODE = 'string_data_right_truncation';
				  END IF;
				  RETURN NEW;
				END $$""".formatted(pattern)).update();
		this.jdbc.sql("""
				CREATE TRIGGER unrecordable_address BEFORE UPDATE ON deliveries
				FOR EACH ROW EXECUTE FUNCTION unrecordable_address()""").update();
	}

	/**
	 * Writes of a SENT outcome that failed (the sequence counts outside transactions).
	 */
	private long failedSentWrites() {
		return this.jdbc.sql("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM failed_sent_writes")
			.query(Long.class)
			.single();
	}

	/** A terms change as mail-service's event listener records it. */
	private void termsChange(UUID productId, int version) {
		this.jdbc.sql("""
				INSERT INTO terms_versions (product_id, terms_version, title, terms, effective_at, changed_at)
				VALUES (?, ?, 'Box', 'New terms', '2027-01-01T00:00:00Z', now())""")
			.params(productId, version)
			.update();
		this.deliveries.enqueueTermsChange(productId, version);
	}

	private DeliveryWorker worker(Deliveries log, JavaMailSender mailSender, MailProperties.Sending sending) {
		return worker(log, mailSender, sending, new SimpleMeterRegistry());
	}

	private DeliveryWorker worker(Deliveries log, JavaMailSender mailSender, MailProperties.Sending sending,
			MeterRegistry meters) {
		MailProperties settings = new MailProperties(this.properties.from(), this.properties.replyTo(),
				this.properties.webUrl(), this.properties.timeZone(), sending);
		return new DeliveryWorker(log, this.directory, this.composer, mailSender, settings, meters, this.leases);
	}

	/** Lets the lease of the recipient's delivery run out, on the database's clock. */
	private void leaseRunsOut(UUID recipientId) {
		this.jdbc.sql("UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE recipient_id = ?")
			.param(recipientId)
			.update();
	}

	/**
	 * Boot's mail sender as the prod profile configures it (application.yml and
	 * application-prod.yml, the environment's placeholders), for GreenMail.
	 */
	private ApplicationContextRunner prodMailSender() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
			.withUserConfiguration(NoDelaySocketFactory.Registration.class)
			.withInitializer((context) -> ConfigDataEnvironmentPostProcessor.applyTo(context.getEnvironment(), context,
					null, "prod"))
			.withPropertyValues("MOA_MAIL_SMTP_HOST=127.0.0.1",
					"MOA_MAIL_SMTP_PORT=" + this.greenMail.getSmtp().getPort());
	}

	/**
	 * What mail-service logged: the lines of the test's own SMTP server (GreenMail logs
	 * each mailbox it creates, by address) are left out.
	 */
	private static String ownLog(CapturedOutput output) {
		return output.getAll()
			.lines()
			.filter((line) -> !line.contains("c.icegreen.greenmail"))
			.collect(Collectors.joining("\n"));
	}

	private static JavaMailSender sender(int port) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		sender.getJavaMailProperties().put("mail.smtp.connectiontimeout", "2000");
		sender.getJavaMailProperties().put("mail.smtp.timeout", "5000");
		return sender;
	}

	/**
	 * {@code count} live subscribers of the product, written straight into the
	 * projections.
	 */
	private List<String> bulkSubscribers(UUID productId, int count) {
		List<String> emails = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			UUID userId = UUID.randomUUID();
			String email = "s" + i + "-" + userId + "@bulk.example.com";
			emails.add(email);
			this.jdbc.sql("INSERT INTO mail_users (user_id, email, name, locale, version) VALUES (?, ?, ?, 'ko', 1)")
				.params(userId, email, "구독자 " + i)
				.update();
			this.jdbc
				.sql("""
						INSERT INTO mail_subscriptions (subscription_id, user_id, product_id, status, live, version, live_since)
						VALUES (?, ?, ?, 'ACTIVE', true, 1, now() - interval '1 day')""")
				.params(UUID.randomUUID(), userId, productId)
				.update();
		}
		return emails;
	}

	private User userWithEmail(String email) {
		UUID userId = UUID.randomUUID();
		this.jdbc.sql("INSERT INTO mail_users (user_id, email, name, locale, version) VALUES (?, ?, 'Test', 'en', 1)")
			.params(userId, email)
			.update();
		return new User(userId, email, "Test", "en");
	}

	private Object waitingSince(UUID recipientId) {
		// One row; its value may be NULL, which singleValue() refuses.
		return this.jdbc.sql("SELECT waiting_since FROM deliveries WHERE recipient_id = ?")
			.param(recipientId)
			.query()
			.singleRow()
			.get("waiting_since");
	}

	/** Makes the delivery due now, as if it had been waiting this long. */
	private void waitedSince(UUID recipientId, String interval) {
		this.jdbc.sql("""
				UPDATE deliveries SET waiting_since = now() - CAST(? AS interval), next_attempt_at = now()
				WHERE recipient_id = ?""").params(interval, recipientId).update();
	}

	private double secondsUntilNextAttempt(UUID recipientId) {
		return this.jdbc
			.sql("SELECT extract(epoch FROM next_attempt_at - now()) FROM deliveries WHERE recipient_id = ?")
			.param(recipientId)
			.query(Double.class)
			.single();
	}

	private Map<String, Object> row(UUID recipientId) {
		return this.jdbc.sql("SELECT status, attempts, last_error, email FROM deliveries WHERE recipient_id = ?")
			.param(recipientId)
			.query()
			.singleRow();
	}

}
