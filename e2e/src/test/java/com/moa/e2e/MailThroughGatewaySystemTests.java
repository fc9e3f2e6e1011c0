package com.moa.e2e;

import java.net.IDN;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.moa.e2e.Api.json;
import static com.moa.e2e.Api.login;
import static com.moa.e2e.Api.post;
import static com.moa.e2e.Api.send;
import static com.moa.e2e.Api.signup;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mail through the whole system, read from the SMTP server mail-service really sent to:
 * signing up brings a welcome, subscribing a confirmation; a seller's terms change
 * reaches every active subscriber exactly once (one canceling at the period end included,
 * told of its cancel when it asked) and a canceled one not at all; a second change one
 * more each.
 */
class MailThroughGatewaySystemTests {

	static final Duration WITHIN = Duration.ofSeconds(15);

	static ServiceProcess gateway;

	@BeforeAll
	static void startSystem() throws Exception {
		SystemUnderTest.start();
		gateway = SystemUnderTest.gateway;
	}

	@Test
	void welcomeConfirmationAndTermsOncePerActiveSubscriberPerVersion() throws Exception {
		String seller = login(signup("SELLER"), Api.PASSWORD).get("accessToken").asString();
		JsonNode product = publishedProduct(seller);
		String productId = product.get("id").asString();
		String planId = product.get("plans").get(0).get("id").asString();

		List<String> emails = new ArrayList<>();
		List<String> tokens = new ArrayList<>();
		List<String> subscriptions = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String email = signup("CONSUMER");
			awaitMails(email, "모아 구독에 오신 것을 환영합니다", 1);
			String token = login(email, Api.PASSWORD).get("accessToken").asString();
			subscriptions.add(subscribe(token, productId, planId));
			awaitMails(email, "구독이 시작되었습니다", 1);
			emails.add(email);
			tokens.add(token);
		}
		String canceled = emails.get(2);
		HttpResponse<String> cancel = post(gateway, "/api/subscriptions/" + subscriptions.get(2) + "/cancel",
				Map.of("atPeriodEnd", false), tokens.get(2));
		assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
		// Its cancellation mail shows mail-service knows, before the terms change.
		awaitMails(canceled, "구독이 해지되었습니다", 1);
		// A cancel at the period end is mailed when asked for; until then the subscriber
		// still gets what subscribers get.
		HttpResponse<String> scheduled = post(gateway, "/api/subscriptions/" + subscriptions.get(1) + "/cancel",
				Map.of("atPeriodEnd", true), tokens.get(1));
		assertThat(scheduled.statusCode()).as(scheduled.body()).isEqualTo(200);
		awaitMails(emails.get(1), "구독이 해지되었습니다", 1);

		changeTerms(seller, productId, "제1조 개정된 약관", 2);
		for (String email : emails.subList(0, 2)) {
			awaitMails(email, "이용약관 변경 안내 (버전 2)", 1);
		}
		changeTerms(seller, productId, "제1조 다시 개정된 약관", 3);
		for (String email : emails.subList(0, 2)) {
			awaitMails(email, "이용약관 변경 안내 (버전 3)", 1);
		}
		// Anything extra would have arrived by now.
		Thread.sleep(1000);
		for (String email : emails.subList(0, 2)) {
			assertThat(subjects(email)).filteredOn((subject) -> subject.contains("이용약관")).hasSize(2);
			assertThat(subjects(email)).filteredOn((subject) -> subject.contains("환영")).hasSize(1);
			assertThat(subjects(email)).filteredOn((subject) -> subject.contains("구독이 시작")).hasSize(1);
		}
		assertThat(subjects(canceled)).filteredOn((subject) -> subject.contains("이용약관")).isEmpty();
		assertThat(subjects(emails.get(1))).filteredOn((subject) -> subject.contains("해지")).hasSize(1);
	}

	@Test
	void theLongestAddressSignupAcceptsIsMailed() throws Exception {
		// Three labels of 19 Hangul syllables and .한국: 62 characters typed, 194 in ASCII,
		// so the whole address is 254 characters on the wire, SMTP's limit.
		String label = "\uac00\ub098\ub2e4\ub77c\ub9c8\ubc14\uc0ac\uc544\uc790\ucc28\uce74\ud0c0\ud30c\ud558"
				+ "\uac00\ub098\ub2e4\ub77c\ub9c8";
		String domain = String.join(".", label, label.substring(0, 18) + "\uac01", label.substring(0, 18) + "\uac02",
				"\ud55c\uad6d");
		String local = "u" + UUID.randomUUID().toString().replace("-", "");
		local += "a".repeat(253 - IDN.toASCII(domain).length() - local.length());
		String ascii = local + "@" + IDN.toASCII(domain);
		assertThat(ascii).hasSize(254);

		HttpResponse<String> created = post(gateway, "/api/auth/signup",
				Map.of("email", local + "@" + domain, "password", Api.PASSWORD, "name", "Tester", "role", "CONSUMER"),
				null);

		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		awaitMails(ascii, "모아 구독에 오신 것을 환영합니다", 1);
	}

	private static JsonNode publishedProduct(String seller) throws Exception {
		HttpResponse<String> created = post(gateway, "/api/seller/products",
				Map.of("title", "메일 박스 " + UUID.randomUUID().toString().substring(0, 8), "description", "매달",
						"category", "LIFESTYLE", "plans",
						List.of(Map.of("name", "월간", "billingPeriod", "MONTHLY", "price", 9900)), "terms", "약관 v1"),
				seller);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode product = json.readTree(created.body());
		assertThat(post(gateway, "/api/seller/products/" + product.get("id").asString() + "/publish", null, seller)
			.statusCode()).isEqualTo(200);
		return product;
	}

	/** Retries on 404 until payment-service has heard of the product, as an app would. */
	private static String subscribe(String token, String productId, String planId) throws Exception {
		Map<String, Object> purchase = Map.of("productId", productId, "planId", planId, "paymentMethod",
				Map.of("token", "tok_ok"));
		long deadline = System.nanoTime() + WITHIN.toNanos();
		HttpResponse<String> bought;
		do {
			bought = send(gateway, "POST", "/api/subscriptions", purchase, token, "Idempotency-Key",
					UUID.randomUUID().toString());
		}
		while (bought.statusCode() == 404 && System.nanoTime() < deadline);
		assertThat(bought.statusCode()).as(bought.body()).isEqualTo(201);
		return json.readTree(bought.body()).get("id").asString();
	}

	private static void changeTerms(String seller, String productId, String terms, int expectedVersion)
			throws Exception {
		HttpResponse<String> changed = send(gateway, "PUT", "/api/seller/products/" + productId + "/terms",
				Map.of("terms", terms), seller);
		assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
		assertThat(json.readTree(changed.body()).get("termsVersion").asInt()).isEqualTo(expectedVersion);
	}

	private static void awaitMails(String email, String subjectPart, int count) throws InterruptedException {
		long deadline = System.nanoTime() + WITHIN.toNanos();
		while (System.nanoTime() < deadline && matching(email, subjectPart) < count) {
			Thread.sleep(50);
		}
		assertThat(matching(email, subjectPart)).as("mails to %s about '%s'", email, subjectPart).isEqualTo(count);
	}

	private static long matching(String email, String subjectPart) {
		return subjects(email).stream().filter((subject) -> subject.contains(subjectPart)).count();
	}

	private static List<String> subjects(String email) {
		return Arrays.stream(SystemUnderTest.mailSink.getReceivedMessages())
			.filter((message) -> addressedTo(message, email))
			.map(MailThroughGatewaySystemTests::subject)
			.toList();
	}

	private static boolean addressedTo(MimeMessage message, String email) {
		try {
			return Arrays.stream(message.getRecipients(Message.RecipientType.TO))
				.anyMatch((address) -> address.toString().contains(email));
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String subject(MimeMessage message) {
		try {
			return message.getSubject();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
