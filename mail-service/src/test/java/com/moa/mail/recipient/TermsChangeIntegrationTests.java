package com.moa.mail.recipient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.moa.mail.MailIntegrationTestSupport;
import com.moa.mail.delivery.Deliveries;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A terms change reaches every subscriber live when it is processed and already when it
 * was made, once per (product, terms version, user), whatever arrives twice or late;
 * canceled, expired and other products' subscribers, and those who subscribed after the
 * change, get nothing.
 */
class TermsChangeIntegrationTests extends MailIntegrationTestSupport {

	@Autowired
	Directory directory;

	@Autowired
	Deliveries deliveries;

	@Autowired
	TransactionTemplate transaction;

	@Test
	void everyLiveSubscriberGetsEachTermsVersionOnceAndNobodyElseGetsIt() throws Exception {
		UUID productId = product("Fresh Box");
		List<User> live = List.of(user("ko"), user("en"), user("ko"));
		live.forEach((user) -> subscribe(user, productId));
		User pastDue = user("ko");
		UUID pastDueSubscription = subscribe(pastDue, productId);
		subscription(pastDueSubscription, pastDue, productId, "subscription.past-due", "PAST_DUE", 2);
		User canceled = user("ko");
		UUID canceledSubscription = subscribe(canceled, productId);
		subscription(canceledSubscription, canceled, productId, "subscription.canceled", "CANCELED", 2);
		User expired = user("ko");
		UUID expiredSubscription = subscribe(expired, productId);
		subscription(expiredSubscription, expired, productId, "subscription.expired", "EXPIRED", 2);
		User elsewhere = user("ko");
		subscribe(elsewhere, product("Other Box"));

		UUID first = termsChanged(productId, "Fresh Box", 2, "Terms v2");
		awaitProcessed(first);
		// The same event again (a redelivery) and the same version under another id (a
		// republished change): neither queues a second mail.
		termsChanged(first, productId, "Fresh Box", 2, "Terms v2");
		UUID republished = termsChanged(productId, "Fresh Box", 2, "Terms v2");
		awaitProcessed(republished);
		awaitQuiet();

		for (User user : List.of(live.get(0), live.get(1), live.get(2), pastDue)) {
			assertThat(termsMails(user)).as(user.email()).hasSize(1);
		}
		for (User user : List.of(canceled, expired, elsewhere)) {
			assertThat(termsMails(user)).as(user.email()).isEmpty();
		}
		assertThat(subject(termsMails(live.get(1)).get(0)))
			.isEqualTo("[Moa Subscribe] The terms of Fresh Box have changed (version 2)");
		assertThat(parts(termsMails(live.get(0)).get(0)).get(0)).contains("버전 2", "적용일: 2027년 1월 15일", "Terms v2");

		awaitProcessed(termsChanged(productId, "Fresh Box", 3, "Terms v3"));
		awaitQuiet();
		for (User user : List.of(live.get(0), live.get(1), live.get(2), pastDue)) {
			assertThat(termsMails(user)).as(user.email()).hasSize(2);
		}
		assertThat(termsMails(canceled)).isEmpty();
		assertThat(this.jdbc
			.sql("""
					SELECT count(*) FROM deliveries WHERE kind = 'TERMS_CHANGED' AND source_key LIKE ? AND status = 'SENT'""")
			.param(productId + ":%")
			.query(Integer.class)
			.single()).isEqualTo(8);
		// The text is kept once per version, not in each of the 8 rows.
		assertThat(this.jdbc.sql("SELECT count(*) FROM terms_versions WHERE product_id = ?")
			.param(productId)
			.query(Integer.class)
			.single()).isEqualTo(2);
		assertThat(this.jdbc.sql("SELECT max(length(payload::text)) FROM deliveries WHERE source_key LIKE ?")
			.param(productId + ":%")
			.query(Integer.class)
			.single()).isLessThan(100);
	}

	@Test
	void aCancellationOvertakenByItsActivationStillCounts() throws Exception {
		UUID productId = product("Reordered Box");
		User user = user("ko");
		UUID subscriptionId = UUID.randomUUID();
		// The newer state first: the older one must not bring the subscription back.
		subscription(subscriptionId, user, productId, "subscription.canceled", "CANCELED", 2);
		UUID activation = UUID.randomUUID();
		send(activation, "subscription.activated", subscriptionId, java.util.Map.of("subscriptionId", subscriptionId,
				"userId", user.id(), "productId", productId, "status", "ACTIVE", "version", 1));
		awaitProcessed(activation);
		User stays = user("ko");
		subscribe(stays, productId);

		awaitProcessed(termsChanged(productId, "Reordered Box", 2, "v2"));
		awaitQuiet();
		assertThat(termsMails(stays)).hasSize(1);
		assertThat(termsMails(user)).isEmpty();
	}

	/**
	 * payment's backfill ({@code subscription.snapshot}, after a restore) sets the
	 * recipients right and mails nothing of its own: a subscription canceled in payment
	 * but live here stops getting terms mails, one never seen here starts, and neither
	 * subscriber is told of a cancellation or a new subscription.
	 */
	@Test
	void aSnapshotFromPaymentsBackfillCorrectsTheRecipientsAndMailsNothingItself() {
		UUID productId = product("Backfilled Box");
		User canceled = user("ko");
		UUID canceledSubscription = subscribe(canceled, productId);
		User unseen = user("ko");

		subscription(canceledSubscription, canceled, productId, "subscription.snapshot", "CANCELED", 2);
		subscription(UUID.randomUUID(), unseen, productId, "subscription.snapshot", "ACTIVE", 3);
		awaitProcessed(termsChanged(productId, "Backfilled Box", 2, "v2"));
		awaitQuiet();

		assertThat(termsMails(unseen)).hasSize(1);
		assertThat(termsMails(canceled)).isEmpty();
		assertThat(deliveries(unseen.id())).containsExactlyInAnyOrder("WELCOME SENT", "TERMS_CHANGED SENT");
		assertThat(deliveries(canceled.id())).containsExactlyInAnyOrder("WELCOME SENT", "SUBSCRIPTION_CONFIRMED SENT");
	}

	@Test
	void aSubscriptionProcessedAfterAChangeItPredatesStillGetsThatVersionOnce() {
		UUID productId = product("Late Box");
		Instant changedAt = Instant.now();
		awaitProcessed(termsChanged(productId, "Late Box", 2, "Terms v2", changedAt));
		// Activated before the change; its event (another queue, or a late outbox) after.
		User before = user("ko");
		UUID subscription = subscribe(before, productId, changedAt.minus(Duration.ofMinutes(1)));
		User after = user("ko");
		subscribe(after, productId, changedAt.plus(Duration.ofMinutes(1)));
		// Later events about the subscription queue nothing more.
		subscription(subscription, before, productId, "subscription.renewed", "ACTIVE", 2);
		awaitQuiet();

		assertThat(termsMails(before)).singleElement()
			.satisfies((mail) -> assertThat(parts(mail).get(0)).contains("버전 2", "Terms v2"));
		assertThat(termsMails(after)).isEmpty();
	}

	@Test
	void aChangeProcessedLateReachesOnlyThoseSubscribedBeforeIt() {
		UUID productId = product("Delayed Box");
		Instant changedAt = Instant.now();
		User before = user("ko");
		subscribe(before, productId, changedAt.minus(Duration.ofMinutes(1)));
		User after = user("ko");
		subscribe(after, productId, changedAt.plus(Duration.ofMinutes(1)));
		// The change's event arrives after both subscriptions' (its outbox published
		// late).
		awaitProcessed(termsChanged(productId, "Delayed Box", 2, "Terms v2", changedAt));
		awaitQuiet();

		assertThat(termsMails(before)).hasSize(1);
		assertThat(termsMails(after)).isEmpty();
	}

	@Test
	void aSubscriptionAndAChangeProcessedAtTheSameTimeStillMeet() throws Exception {
		UUID productId = product("Racing Box");
		User user = user("ko");
		UUID subscriptionId = UUID.randomUUID();
		Instant activatedAt = Instant.now();
		CountDownLatch caughtUp = new CountDownLatch(1);
		CountDownLatch changeProcessing = new CountDownLatch(1);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			// The activation's transaction as MailEvents runs it, still open while the
			// change is processed: neither sees the other's write before it commits.
			Future<?> activation = pool.submit(() -> this.transaction.executeWithoutResult((status) -> {
				this.directory.storeSubscription(subscriptionId, user.id(), productId, "ACTIVE", 1, activatedAt, null);
				this.deliveries.enqueueMissedTerms(productId, subscriptionId);
				caughtUp.countDown();
				awaitLatch(changeProcessing);
			}));
			assertThat(caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
			UUID change = termsChanged(productId, "Racing Box", 2, "v2", activatedAt.plusSeconds(1));
			// Processed, or waiting for the activation to commit.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.jdbc.sql("""
						SELECT (SELECT count(*) FROM event_inbox WHERE event_id = ?)
						     + (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)""")
					.param(change)
					.query(Integer.class)
					.single() > 0);
			changeProcessing.countDown();
			activation.get(10, TimeUnit.SECONDS);
			awaitProcessed(change);
		}
		finally {
			pool.shutdownNow();
		}
		awaitQuiet();
		assertThat(termsMails(user)).hasSize(1);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private List<MimeMessage> termsMails(User user) {
		return inbox(user.email()).stream()
			.filter((mail) -> subject(mail).contains("이용약관") || subject(mail).contains("terms"))
			.toList();
	}

}
