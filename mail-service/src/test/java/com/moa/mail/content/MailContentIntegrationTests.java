package com.moa.mail.content;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.mail.MailIntegrationTestSupport;
import com.moa.platform.testing.EventContract;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What arrives: Korean by default and English for {@code en}, HTML with a plain-text
 * alternative, the configured sender, values escaped in HTML and kept as they are in
 * text, the delivery's Message-ID, and the largest values producers accept.
 */
class MailContentIntegrationTests extends MailIntegrationTestSupport {

	@Test
	void welcomeIsKoreanByDefaultWithATextAlternativeAndTheDeliveryMessageId() throws Exception {
		User user = user("ko");
		MimeMessage mail = awaitInbox(user.email(), 1).get(0);

		assertThat(mail.getSubject()).isEqualTo("모아 구독에 오신 것을 환영합니다");
		assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("no-reply@moa-subscribe.local");
		assertThat(((InternetAddress) mail.getReplyTo()[0]).getAddress()).isEqualTo("support@moa-subscribe.local");
		assertThat(((InternetAddress) mail.getAllRecipients()[0]).getPersonal()).isEqualTo("김모아");
		assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
		List<String> parts = parts(mail);
		assertThat(parts.get(0)).contains("김모아님, 안녕하세요.", "가입해 주셔서 감사합니다", "http://localhost:8080");
		assertThat(parts.get(1)).contains("<html lang=\"ko\">", "김모아님, 안녕하세요.", "가입해 주셔서 감사합니다");
		assertThat(mail.getMessageID())
			.isEqualTo(this.jdbc.sql("SELECT message_id FROM deliveries WHERE recipient_id = ? AND kind = 'WELCOME'")
				.param(user.id())
				.query(String.class)
				.single());
		// Recorded after the session's QUIT, so a moment after the inbox has it.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(deliveries(user.id())).containsExactly("WELCOME SENT"));
	}

	@Test
	void englishWhenTheUsersLocaleSaysSo() throws Exception {
		User user = user("en");
		UUID productId = product("Coffee Club");
		subscribe(user, productId);
		List<MimeMessage> mails = awaitInbox(user.email(), 2);

		assertThat(mails).extracting(MailIntegrationTestSupport::subject)
			.containsExactlyInAnyOrder("Welcome to Moa Subscribe",
					"[Moa Subscribe] Your subscription to Coffee Club has started");
		MimeMessage confirmation = mails.stream()
			.filter((mail) -> subject(mail).contains("Coffee Club"))
			.findFirst()
			.orElseThrow();
		assertThat(parts(confirmation).get(0)).contains("Hello 김모아,",
				"Your subscription to Coffee Club has started: ₩15,000 (monthly), next payment on December 31, 2026.",
				"See the product: http://localhost:8080/products/" + productId);
		assertThat(parts(confirmation).get(1)).contains("<html lang=\"en\">",
				"href=\"http://localhost:8080/products/" + productId + "\"");
	}

	/**
	 * A title may look like an RFC 2047 encoded-word: in an all-ASCII subject mail
	 * clients would decode it and show text its seller never wrote. Such a subject is
	 * encoded whole, folded within 76 characters a line, and reads back as written; an
	 * ordinary one goes out as it is.
	 */
	@Test
	void aTitleThatLooksEncodedIsShownAsWrittenInTheSubject() throws Exception {
		User user = user("en");
		String encodedLooking = "=?UTF-8?B?7ZW07Iuc?=";
		// 100 characters, the longest title seller-service accepts.
		String longest = ("=?UTF-8?Q?=ED=95=B4=EC=8B=9C?= " + "x".repeat(100)).substring(0, 100);
		subscribe(user, product(encodedLooking));
		subscribe(user, product(longest));
		List<MimeMessage> mails = awaitInbox(user.email(), 3);

		assertThat(mails).extracting(MailIntegrationTestSupport::subject)
			.containsExactlyInAnyOrder("Welcome to Moa Subscribe",
					"[Moa Subscribe] Your subscription to " + encodedLooking + " has started",
					"[Moa Subscribe] Your subscription to " + longest + " has started");
		for (MimeMessage mail : mails) {
			String header = mail.getHeader("Subject")[0];
			if (subject(mail).contains("=?")) {
				assertThat(("Subject: " + header).lines()).allSatisfy((line) -> assertThat(line).hasSizeLessThan(77));
			}
			else {
				assertThat(header).isEqualTo("Welcome to Moa Subscribe");
			}
		}
	}

	@Test
	void koreanSubscriptionMailsCarryAmountAndDateInKorean() {
		User user = user("ko");
		UUID productId = product("밀키트 정기배송");
		subscribe(user, productId);
		MimeMessage confirmation = awaitInbox(user.email(), 2).stream()
			.filter((mail) -> subject(mail).contains("밀키트"))
			.findFirst()
			.orElseThrow();
		assertThat(subject(confirmation)).isEqualTo("[모아 구독] 밀키트 정기배송 구독이 시작되었습니다");
		assertThat(parts(confirmation).get(0))
			.contains("밀키트 정기배송 구독이 시작되었습니다. 결제 금액: ₩15,000 (월간), 다음 결제일: 2026년 12월 31일.");
	}

	@Test
	void termsEffectiveBeyondTheCalendarAreMailedWithTheDateAsWritten() {
		User user = user("en");
		UUID productId = product("Far Future Box");
		subscribe(user, productId);
		awaitInbox(user.email(), 2);
		// Both parse as instants; neither has a date in Seoul (the second overflows by
		// the +9 hours).
		List<String> farOut = List.of("+1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z");
		for (int i = 0; i < farOut.size(); i++) {
			send("product.terms-changed", productId, Map.of("productId", productId, "title", "Far Future Box",
					"termsVersion", i + 2, "terms", "New terms", "effectiveAt", farOut.get(i)));
		}
		List<MimeMessage> terms = awaitInbox(user.email(), 4).stream()
			.filter((mail) -> subject(mail).contains("The terms of Far Future Box"))
			.toList();
		assertThat(terms).hasSize(2);
		assertThat(terms).extracting((mail) -> parts(mail).get(0))
			.anySatisfy((text) -> assertThat(text).contains("effective +1000000000-01-01T00:00:00Z."))
			.anySatisfy((text) -> assertThat(text).contains("effective +1000000000-12-31T23:59:59.999999999Z."));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(deliveries(user.id())).filteredOn((row) -> row.startsWith("TERMS_CHANGED"))
				.containsExactly("TERMS_CHANGED SENT", "TERMS_CHANGED SENT"));
	}

	@Test
	void paymentFailedMailStatesTheAmountTheRenewalCharged() {
		User user = user("en");
		UUID productId = product("Downgraded Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);
		// A downgrade was pending: the renewal charged 9,000 while the current plan,
		// and so subscription.past-due's price, is 15,000. payment.failed comes later
		// here, so the mail has to wait for it.
		UUID paymentId = UUID.randomUUID();
		Map<String, Object> pastDue = subscriptionData(subscriptionId, user, productId, "PAST_DUE", 2);
		pastDue.put("paymentId", paymentId);
		pastDue.put("nextRetryAt", "2026-12-02T00:00:00Z");
		send("subscription.past-due", subscriptionId, pastDue);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT waiting_since IS NOT NULL FROM deliveries WHERE source_key = ?")
				.param(paymentId.toString())
				.query(Boolean.class)
				.optional()
				.orElse(false));
		failedPayment(paymentId, subscriptionId, user, 9000);

		MimeMessage mail = awaitInbox(user.email(), 3).stream()
			.filter((each) -> subject(each).contains("Payment for Downgraded Box failed"))
			.findFirst()
			.orElseThrow();
		assertThat(parts(mail).get(0)).contains("We could not charge ₩9,000 for Downgraded Box.")
			.doesNotContain("15,000");
		// Waiting for payment.failed was no attempt.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					this.jdbc.sql("SELECT status || ' ' || attempts FROM deliveries WHERE source_key = ?")
						.param(paymentId.toString())
						.query(String.class)
						.single())
				.isEqualTo("SENT 1"));
	}

	/**
	 * "Renews soon" goes out while it is true; processed after a newer change of the
	 * subscription (a cancel at the period end, by two instances or after a retry), it
	 * would be the subscriber's last word after they canceled, so it is not mailed, nor
	 * is an announcement of a subscription no longer active.
	 */
	@Test
	void aRenewalNoticeIsMailedOnlyWhileTheSubscriptionStillRenews() {
		User user = user("en");
		UUID productId = product("Juice Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);

		awaitProcessed(renewalUpcoming(subscriptionId, user, productId, "ACTIVE", 2, "2099-12-31T00:00:00Z"));
		MimeMessage notice = awaitInbox(user.email(), 3).stream()
			.filter((mail) -> subject(mail).equals("[Moa Subscribe] Juice Box renews soon"))
			.findFirst()
			.orElseThrow();
		assertThat(parts(notice).get(0)).contains("Your subscription to Juice Box renews on December 31, 2099");

		// The next period's notice (v3), processed after the cancel that followed it
		// (v4).
		awaitProcessed(canceled(subscriptionId, user, productId, "ACTIVE", 4, true, "2027-01-31T00:00:00Z"));
		awaitProcessed(renewalUpcoming(subscriptionId, user, productId, "ACTIVE", 3, "2027-01-31T00:00:00Z"));
		// The newest state, but not an active one.
		UUID soda = product("Soda Box");
		UUID other = subscribe(user, soda);
		awaitProcessed(renewalUpcoming(other, user, soda, "EXPIRED", 2, "2027-01-31T00:00:00Z"));

		awaitQuiet();
		assertThat(deliveries(user.id())).filteredOn((row) -> row.startsWith("RENEWAL_UPCOMING"))
			.containsExactly("RENEWAL_UPCOMING SENT");
		assertThat(awaitInbox(user.email(), 5)).extracting(MailIntegrationTestSupport::subject)
			.filteredOn((subject) -> subject.contains("renews soon"))
			.hasSize(1);
	}

	/**
	 * A plan change after the notice (v2) changed the renewal's price: payment-service
	 * announces it again (v3), and that is mailed too; a redelivered announcement is not.
	 */
	@Test
	void aRenewalAnnouncedAgainWithANewPriceIsMailedAgain() {
		User user = user("en");
		UUID productId = product("Milk Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);

		awaitProcessed(renewalUpcoming(subscriptionId, user, productId, "ACTIVE", 2, "2099-12-31T00:00:00Z", 15000));
		awaitInbox(user.email(), 3);
		awaitProcessed(renewalUpcoming(subscriptionId, user, productId, "ACTIVE", 3, "2099-12-31T00:00:00Z", 150000));
		awaitProcessed(renewalUpcoming(subscriptionId, user, productId, "ACTIVE", 3, "2099-12-31T00:00:00Z", 150000));

		awaitQuiet();
		List<String> notices = awaitInbox(user.email(), 4).stream()
			.filter((mail) -> subject(mail).contains("renews soon"))
			.map((mail) -> parts(mail).get(0))
			.toList();
		assertThat(notices).hasSize(2)
			.anySatisfy((text) -> assertThat(text).contains("15,000").doesNotContain("150,000"))
			.anySatisfy((text) -> assertThat(text).contains("150,000"));
	}

	/**
	 * A notice that reaches the sender only once the renewal it announces is due (a long
	 * SMTP outage, a backlog) would arrive after the charge: it is not sent.
	 */
	@Test
	void aRenewalNoticeIsNotSentOnceTheRenewalIsDue() {
		User user = user("en");
		UUID productId = product("Bread Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);

		awaitProcessed(renewalUpcoming(subscriptionId, user, productId, "ACTIVE", 2,
				java.time.Instant.now().minusSeconds(60).toString()));

		awaitQuiet();
		assertThat(deliveries(user.id())).filteredOn((row) -> row.startsWith("RENEWAL_UPCOMING"))
			.containsExactly("RENEWAL_UPCOMING SUPERSEDED");
		assertThat(awaitInbox(user.email(), 2)).extracting(MailIntegrationTestSupport::subject)
			.noneMatch((subject) -> subject.contains("renews soon"));
	}

	/** {@code subscription.renewal-upcoming} as payment-service publishes it. */
	private UUID renewalUpcoming(UUID subscriptionId, User user, UUID productId, String status, long version,
			String renewsAt) {
		return renewalUpcoming(subscriptionId, user, productId, status, version, renewsAt, 15000);
	}

	private UUID renewalUpcoming(UUID subscriptionId, User user, UUID productId, String status, long version,
			String renewsAt, long renewalPrice) {
		Map<String, Object> data = subscriptionData(subscriptionId, user, productId, status, version);
		data.put("currentPeriodEnd", renewsAt);
		data.put("renewsAt", renewsAt);
		data.put("renewalPrice", renewalPrice);
		UUID eventId = UUID.randomUUID();
		send(eventId, "subscription.renewal-upcoming", subscriptionId, data);
		return eventId;
	}

	@Test
	void aPeriodEndCancelIsMailedWhenAskedForNotAgainWhenItTakesEffectAndACancelNowAfterItIs() {
		User user = user("en");
		UUID productId = product("Tea Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);

		UUID asked = canceled(subscriptionId, user, productId, "ACTIVE", 2, true, "2026-12-31T00:00:00Z");
		MimeMessage mail = awaitInbox(user.email(), 3).stream()
			.filter((each) -> subject(each).equals("[Moa Subscribe] Your subscription to Tea Box is canceled"))
			.findFirst()
			.orElseThrow();
		assertThat(parts(mail).get(0)).contains("You can use it until December 31, 2026.");
		// The same cancel taking effect at the period end: nothing new to say.
		awaitProcessed(asked);
		awaitProcessed(canceled(subscriptionId, user, productId, "CANCELED", 3, true, "2026-12-31T00:00:00Z"));
		assertThat(deliveries(user.id())).filteredOn((row) -> row.startsWith("SUBSCRIPTION_CANCELED")).hasSize(1);

		// Scheduled, then canceled at once: the end moved, so the subscriber hears of it.
		UUID soup = product("Soup Box");
		UUID other = subscribe(user, soup);
		awaitInbox(user.email(), 4);
		// In this order: a request processed after the cancel that replaced it is stale
		// and rightly not mailed (a retry or a second instance can reorder the two).
		awaitProcessed(canceled(other, user, soup, "ACTIVE", 2, true, "2026-12-31T00:00:00Z"));
		canceled(other, user, soup, "CANCELED", 3, false, "2026-12-05T00:00:00Z");
		assertThat(awaitInbox(user.email(), 6)).filteredOn((each) -> subject(each).contains("Soup Box is canceled"))
			.extracting((each) -> parts(each).get(0))
			.hasSize(2)
			.anySatisfy((text) -> assertThat(text).contains("You can use it until December 31, 2026."))
			.anySatisfy((text) -> assertThat(text).contains("You can use it until December 5, 2026."));
	}

	/**
	 * Withdrawn and asked for again: each is mailed, the end taking effect is not; the
	 * previous release's period-end cancel, never announced, is mailed when it takes
	 * effect.
	 */
	@Test
	void aResumedCancelIsMailedAndACancelAskedForAgainToo() {
		User user = user("ko");
		UUID productId = product("반찬 박스");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);

		canceled(subscriptionId, user, productId, "ACTIVE", 2, true, "2026-12-31T00:00:00Z");
		awaitInbox(user.email(), 3);
		Map<String, Object> resumed = subscriptionData(subscriptionId, user, productId, "ACTIVE", 3);
		send("subscription.resumed", subscriptionId, resumed);
		MimeMessage withdrawn = awaitInbox(user.email(), 4).stream()
			.filter((mail) -> subject(mail).contains("해지가 취소"))
			.findFirst()
			.orElseThrow();
		assertThat(subject(withdrawn)).isEqualTo("[모아 구독] 반찬 박스 구독 해지가 취소되었습니다");
		assertThat(parts(withdrawn).get(0)).contains("구독은 계속되며, 다음 결제일은 2026년 12월 31일입니다.");
		canceled(subscriptionId, user, productId, "ACTIVE", 4, true, "2026-12-31T00:00:00Z");
		awaitInbox(user.email(), 5);
		awaitProcessed(canceled(subscriptionId, user, productId, "CANCELED", 5, true, "2026-12-31T00:00:00Z"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(deliveries(user.id())).filteredOn((row) -> row.contains("SUBSCRIPTION_"))
				.containsExactly("SUBSCRIPTION_CONFIRMED SENT", "SUBSCRIPTION_CANCELED SENT",
						"SUBSCRIPTION_RESUMED SENT", "SUBSCRIPTION_CANCELED SENT"));

		// Asked for before payment announced cancels: only the end arrives.
		UUID soup = product("국 박스");
		UUID older = subscribe(user, soup);
		awaitInbox(user.email(), 6);
		canceled(older, user, soup, "CANCELED", 2, true, "2026-12-20T00:00:00Z");
		assertThat(awaitInbox(user.email(), 7)).extracting((mail) -> parts(mail).get(0))
			.anySatisfy((text) -> assertThat(text).contains("이용 가능 기간: 2026년 12월 20일까지."));
	}

	/**
	 * An announcement that never arrived (FAILED: a mailbox full for days, a recipient
	 * refused then) told the subscriber nothing: the cancel taking effect is mailed, also
	 * when an earlier request was mailed and then withdrawn (its mail is not the last
	 * word).
	 */
	@Test
	void aCancelWhoseNewestAnnouncementFailedIsMailedWhenItTakesEffect() {
		User user = user("en");
		UUID productId = product("Bread Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);
		canceled(subscriptionId, user, productId, "ACTIVE", 2, true, "2026-12-31T00:00:00Z");
		awaitInbox(user.email(), 3);
		send("subscription.resumed", subscriptionId, subscriptionData(subscriptionId, user, productId, "ACTIVE", 3));
		awaitInbox(user.email(), 4);
		canceled(subscriptionId, user, productId, "ACTIVE", 4, true, "2026-12-31T00:00:00Z");
		// Recorded first, so the sender cannot overwrite the status set here.
		await().atMost(Duration.ofSeconds(20))
			.until(() -> deliveries(user.id()).stream().filter("SUBSCRIPTION_CANCELED SENT"::equals).count() == 2);
		this.jdbc
			.sql("UPDATE deliveries SET status = 'FAILED' WHERE recipient_id = ? AND kind = 'SUBSCRIPTION_CANCELED'"
					+ " AND source_key LIKE '%:v4'")
			.param(user.id())
			.update();

		awaitProcessed(canceled(subscriptionId, user, productId, "CANCELED", 5, true, "2026-12-31T00:00:00Z"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(deliveries(user.id())).filteredOn((row) -> row.startsWith("SUBSCRIPTION_CANCELED"))
						.containsExactly("SUBSCRIPTION_CANCELED SENT", "SUBSCRIPTION_CANCELED FAILED",
								"SUBSCRIPTION_CANCELED SENT"));
		// Counted by no other test: the log is shared.
		this.jdbc.sql("DELETE FROM deliveries WHERE recipient_id = ? AND status = 'FAILED'").param(user.id()).update();
	}

	/**
	 * Two instances (or a retry) may process a cancel and its withdrawal in the other
	 * order: the mail about the older state is not sent, so the last word is right.
	 */
	@Test
	void aCancelProcessedAfterItsWithdrawalIsNotMailed() {
		User user = user("en");
		UUID productId = product("Late Box");
		UUID subscriptionId = subscribe(user, productId);
		awaitInbox(user.email(), 2);

		UUID resumed = UUID.randomUUID();
		send(resumed, "subscription.resumed", subscriptionId,
				subscriptionData(subscriptionId, user, productId, "ACTIVE", 3));
		awaitProcessed(resumed);
		awaitProcessed(canceled(subscriptionId, user, productId, "ACTIVE", 2, true, "2026-12-31T00:00:00Z"));

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(deliveries(user.id())).filteredOn((row) -> row.contains("SUBSCRIPTION_"))
				.containsExactly("SUBSCRIPTION_CONFIRMED SENT", "SUBSCRIPTION_RESUMED SENT"));
	}

	/** {@code subscription.canceled} as payment-service publishes it; returns its id. */
	private UUID canceled(UUID subscriptionId, User user, UUID productId, String status, long version,
			boolean atPeriodEnd, String effectiveAt) {
		Map<String, Object> data = subscriptionData(subscriptionId, user, productId, status, version);
		data.put("atPeriodEnd", atPeriodEnd);
		data.put("effectiveAt", effectiveAt);
		UUID eventId = UUID.randomUUID();
		send(eventId, "subscription.canceled", subscriptionId, data);
		return eventId;
	}

	@Test
	void markupInATitleOrTermsIsShownAsTextInHtmlAndKeptInText() throws Exception {
		User user = user("ko");
		String title = "<script>alert('x')</script> & \"Box\"";
		UUID productId = product(title);
		subscribe(user, productId);
		String terms = "제1조 <b>굵게</b>\n제2조 <img src=x onerror=alert(1)>";
		termsChanged(productId, title, 2, terms);
		MimeMessage mail = awaitInbox(user.email(), 3).stream()
			.filter((each) -> subject(each).contains("이용약관"))
			.findFirst()
			.orElseThrow();

		assertThat(mail.getSubject()).isEqualTo("[모아 구독] " + title + " 이용약관 변경 안내 (버전 2)");
		String html = parts(mail).get(1);
		assertThat(html).doesNotContain("<script>", "<b>", "<img")
			.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Box&quot;",
					"제1조 &lt;b&gt;굵게&lt;/b&gt;\n제2조 &lt;img src=x onerror=alert(1)&gt;", "white-space: pre-wrap");
		String text = parts(mail).get(0);
		assertThat(text).contains(title + "의 이용약관이 버전 2(으)로 변경되었습니다. 적용일: 2027년 1월 15일.", terms);
	}

	/** docs/events.md's limits, as the producers (auth, seller) enforce them. */
	@Test
	void theLargestValuesProducersAcceptArriveWhole() throws Exception {
		String local = "a".repeat(64);
		String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
		String email = local + "@" + domain;
		assertThat((long) email.length()).isEqualTo(EventContract.limit("user.registered", "email").max());
		String name = EventContract.limit("user.registered", "name").largestText();
		UUID userId = UUID.randomUUID();
		send("user.registered", userId,
				Map.of("userId", userId, "email", email, "name", name, "role", "CONSUMER", "locale", "ko"));
		User user = new User(userId, email, name, "ko");
		String title = EventContract.limit("product.terms-changed", "title").largestText();
		UUID productId = product(EventContract.limit("product.upserted", "title").largestText());
		subscribe(user, productId);
		String terms = EventContract.limit("product.terms-changed", "terms").largestText();
		send("product.terms-changed", productId, Map.of("productId", productId, "title", title, "termsVersion",
				Integer.MAX_VALUE, "terms", terms, "effectiveAt", "2027-01-15T00:00:00Z"));

		List<MimeMessage> mails = awaitInbox(email, 3);
		MimeMessage termsMail = mails.stream()
			.filter((each) -> subject(each).contains("이용약관"))
			.findFirst()
			.orElseThrow();
		assertThat(termsMail.getSubject()).contains(title, "버전 " + Integer.MAX_VALUE);
		assertThat(parts(termsMail).get(0)).contains(terms);
		assertThat(parts(termsMail).get(1)).contains(terms.substring(0, 500));
		assertThat(parts(mails.get(0)).get(0)).contains(name + "님, 안녕하세요.");
		assertThat(((InternetAddress) termsMail.getAllRecipients()[0]).getAddress()).isEqualTo(email);
	}

}
