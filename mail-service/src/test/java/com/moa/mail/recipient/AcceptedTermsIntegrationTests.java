package com.moa.mail.recipient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * The terms version a subscriber was shown when buying ({@code acceptedTermsVersion} of
 * {@code subscription.*}) decides which terms changes they are mailed: every version
 * above it, also one the seller made while the purchase was being paid (before the
 * activation). Without it, the time rule of {@link TermsChangeIntegrationTests} holds.
 */
class AcceptedTermsIntegrationTests extends MailIntegrationTestSupport {

	@Autowired
	Directory directory;

	@Autowired
	Deliveries deliveries;

	@Autowired
	TransactionTemplate transaction;

	@Test
	void aSubscriberShownOlderTermsIsMailedTheChangeMadeBeforeTheirActivation() {
		UUID productId = product("Shown Box");
		Instant changedAt = Instant.now();
		awaitProcessed(termsChanged(productId, "Shown Box", 2, "Terms v2", changedAt));
		// The product page showed v1 (or v2); the charge settled a minute after the
		// change.
		Instant activatedAt = changedAt.plus(Duration.ofMinutes(1));
		Subscribers subscribers = activateShownV1V2AndUnknown(productId, activatedAt);
		User shownV1 = subscribers.shownV1();
		User shownV2 = subscribers.shownV2();
		User unknown = subscribers.unknown();
		// Later events about the subscription queue nothing more.
		announce(subscribers.shownV1Subscription(), shownV1, productId, "subscription.renewed", 2,
				activatedAt.plusSeconds(30), 1);
		awaitQuiet();

		assertOnlyShownV1IsMailedV2(subscribers, productId);

		// A later change reaches all three, once each.
		awaitProcessed(termsChanged(productId, "Shown Box", 3, "Terms v3", activatedAt.plus(Duration.ofMinutes(1))));
		awaitQuiet();
		assertThat(termsSources(shownV1)).containsExactlyInAnyOrder(productId + ":2", productId + ":3");
		assertThat(termsSources(shownV2)).containsExactly(productId + ":3");
		assertThat(termsSources(unknown)).containsExactly(productId + ":3");
		assertThat(termsMails(shownV1)).hasSize(2);
	}

	@Test
	void theSameHoldsWhenTheActivationIsProcessedBeforeTheChange() {
		UUID productId = product("Early Box");
		Instant changedAt = Instant.now().minus(Duration.ofMinutes(1));
		Instant activatedAt = changedAt.plus(Duration.ofMinutes(1));
		Subscribers subscribers = activateShownV1V2AndUnknown(productId, activatedAt);
		// The change's event is processed last (its outbox published late).
		awaitProcessed(termsChanged(productId, "Early Box", 2, "Terms v2", changedAt));
		awaitQuiet();

		assertOnlyShownV1IsMailedV2(subscribers, productId);
	}

	/**
	 * Three subscribers activated at once: shown v1, shown v2, and one whose app did not
	 * say.
	 */
	private Subscribers activateShownV1V2AndUnknown(UUID productId, Instant activatedAt) {
		User shownV1 = user("ko");
		UUID shownV1Subscription = activated(shownV1, productId, activatedAt, 1);
		User shownV2 = user("ko");
		activated(shownV2, productId, activatedAt, 2);
		User unknown = user("ko");
		activated(unknown, productId, activatedAt, null);
		return new Subscribers(shownV1, shownV1Subscription, shownV2, unknown);
	}

	/**
	 * v2 (changed before they became live) reaches only the one shown v1: the one without
	 * a version was live only after the change, so agreed to it as far as anyone can
	 * tell.
	 */
	private void assertOnlyShownV1IsMailedV2(Subscribers subscribers, UUID productId) {
		assertThat(termsMails(subscribers.shownV1())).singleElement()
			.satisfies((mail) -> assertThat(parts(mail).get(0)).contains("버전 2", "Terms v2"));
		assertThat(termsSources(subscribers.shownV1())).containsExactly(productId + ":2");
		assertThat(termsMails(subscribers.shownV2())).isEmpty();
		assertThat(termsMails(subscribers.unknown())).isEmpty();
	}

	private record Subscribers(User shownV1, UUID shownV1Subscription, User shownV2, User unknown) {
	}

	@Test
	void theFirstAcceptedVersionSeenIsKeptAndLearningItLateStillMailsWhatIsDue() {
		UUID productId = product("Learned Box");
		Instant changedAt = Instant.now();
		awaitProcessed(termsChanged(productId, "Learned Box", 2, "Terms v2", changedAt));
		User user = user("ko");
		// A state without the field first: the time rule says it agreed to v2.
		UUID subscription = activated(user, productId, changedAt.plus(Duration.ofMinutes(1)), null);
		awaitQuiet();
		assertThat(termsSources(user)).isEmpty();

		// A newer state says it was shown v1: v2 is due after all.
		announce(subscription, user, productId, "subscription.renewed", 2, changedAt.plus(Duration.ofMinutes(2)), 1);
		// It never changes: a later different value is ignored.
		announce(subscription, user, productId, "subscription.plan-changed", 3, changedAt.plus(Duration.ofMinutes(3)),
				5);
		awaitQuiet();

		assertThat(termsSources(user)).containsExactly(productId + ":2");
		assertThat(this.jdbc.sql("SELECT accepted_terms_version FROM mail_subscriptions WHERE subscription_id = ?")
			.param(subscription)
			.query(Integer.class)
			.single()).isEqualTo(1);
		awaitProcessed(termsChanged(productId, "Learned Box", 3, "Terms v3"));
		awaitQuiet();
		assertThat(termsSources(user)).containsExactlyInAnyOrder(productId + ":2", productId + ":3");
		assertThat(termsMails(user)).hasSize(2);
	}

	@Test
	void anActivationAndAChangeBeforeItProcessedAtTheSameTimeStillMeet() throws Exception {
		UUID productId = product("Racing Shown Box");
		User user = user("ko");
		UUID subscriptionId = UUID.randomUUID();
		Instant changedAt = Instant.now();
		CountDownLatch caughtUp = new CountDownLatch(1);
		CountDownLatch changeProcessing = new CountDownLatch(1);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			// The activation's transaction as MailEvents runs it (shown v1, live after
			// the change), still open while the change is processed.
			Future<?> activation = pool.submit(() -> this.transaction.executeWithoutResult((status) -> {
				assertThat(this.directory.storeSubscription(subscriptionId, user.id(), productId, "ACTIVE", 1,
						changedAt.plusSeconds(60), 1))
					.isTrue();
				this.deliveries.enqueueMissedTerms(productId, subscriptionId);
				caughtUp.countDown();
				awaitLatch(changeProcessing);
			}));
			assertThat(caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
			UUID change = termsChanged(productId, "Racing Shown Box", 2, "v2", changedAt);
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

	/** A {@code subscription.activated} (version 1) as payment-service publishes it. */
	private UUID activated(User user, UUID productId, Instant time, Integer acceptedTermsVersion) {
		return announce(UUID.randomUUID(), user, productId, "subscription.activated", 1, time, acceptedTermsVersion);
	}

	/**
	 * Publishes an ACTIVE state of the subscription made at {@code time}, with
	 * {@code acceptedTermsVersion} unless null, and waits until it is processed.
	 */
	private UUID announce(UUID subscriptionId, User user, UUID productId, String type, long version, Instant time,
			Integer acceptedTermsVersion) {
		Map<String, Object> data = subscriptionData(subscriptionId, user, productId, "ACTIVE", version);
		data.put("occurredAt", time.toString());
		data.put("paymentId", UUID.randomUUID());
		data.put("fromPlanId", UUID.randomUUID());
		data.put("toPlanId", data.get("planId"));
		data.put("effectiveAt", time.toString());
		if (acceptedTermsVersion != null) {
			data.put("acceptedTermsVersion", acceptedTermsVersion);
		}
		UUID eventId = UUID.randomUUID();
		send(eventId, type, subscriptionId, data, time);
		awaitProcessed(eventId);
		return subscriptionId;
	}

	private List<String> termsSources(User user) {
		return this.jdbc.sql("SELECT source_key FROM deliveries WHERE recipient_id = ? AND kind = 'TERMS_CHANGED'")
			.param(user.id())
			.query(String.class)
			.list();
	}

	private List<MimeMessage> termsMails(User user) {
		return inbox(user.email()).stream().filter((mail) -> subject(mail).contains("이용약관")).toList();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
