package com.moa.mail.recipient;

import java.util.List;
import java.util.UUID;

import com.moa.mail.MailIntegrationTestSupport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A terms change reaches every subscriber live when it is processed, once per (product,
 * terms version, user), whatever arrives twice; canceled, expired and other products'
 * subscribers get nothing.
 */
class TermsChangeIntegrationTests extends MailIntegrationTestSupport {

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

	private List<MimeMessage> termsMails(User user) {
		return inbox(user.email()).stream()
			.filter((mail) -> subject(mail).contains("이용약관") || subject(mail).contains("terms"))
			.toList();
	}

}
