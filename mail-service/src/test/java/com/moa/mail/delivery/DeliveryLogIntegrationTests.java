package com.moa.mail.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.moa.mail.MailIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operators' view: "did user X get terms v3?" from {@code /internal/deliveries},
 * behind the operator key, and the delivery metrics (mail waiting for a late projection
 * included).
 */
class DeliveryLogIntegrationTests extends MailIntegrationTestSupport {

	@Test
	void answersWhetherAUserGotATermsVersion() {
		UUID productId = product("Log Box");
		User user = user("ko");
		subscribe(user, productId);
		awaitProcessed(termsChanged(productId, "Log Box", 3, "v3"));
		awaitQuiet();

		MvcTestResult terms = internal("/internal/deliveries?recipient=" + user.id() + "&kind=TERMS_CHANGED");
		assertThat(terms).hasStatusOk()
			.bodyJson()
			.extractingPath("$[0]")
			.satisfies((row) -> assertThat(row.toString()).contains("status=SENT", "termsVersion=3",
					"productId=" + productId, "email=" + user.email(), "attempts=1", "messageId=<",
					"sourceKey=" + productId + ":3"));
		assertThat(terms).bodyJson().extractingPath("$.length()").isEqualTo(1);
		assertThat(internal("/internal/deliveries?email=" + user.email().toUpperCase())).hasStatusOk()
			.bodyJson()
			.extractingPath("$.length()")
			.isEqualTo(3);
		assertThat(internal("/internal/deliveries?recipient=" + user.id() + "&kind=WELCOME&limit=1")).bodyJson()
			.extractingPath("$[0].kind")
			.isEqualTo("WELCOME");
		assertThat(internal("/internal/deliveries?recipient=" + UUID.randomUUID())).bodyJson()
			.extractingPath("$.length()")
			.isEqualTo(0);
	}

	@Test
	void refusesWithoutTheOperatorKeyOrAWhom() {
		assertThat(this.mvc.get().uri("/internal/deliveries?recipient=" + UUID.randomUUID())).hasStatus(401);
		assertThat(internal("/internal/deliveries")).hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("recipient");
		assertThat(internal("/internal/deliveries?recipient=not-a-uuid")).hasStatus(400);
		assertThat(internal("/internal/deliveries?recipient=" + UUID.randomUUID() + "&kind=SPAM")).hasStatus(400);
		assertThat(internal("/internal/deliveries?recipient=" + UUID.randomUUID() + "&limit=501")).hasStatus(400);
	}

	@Test
	void metricsShowTheBacklogWhatWasSentAndHowLongItTook() {
		user("en");
		awaitQuiet();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(prometheus())
				.containsPattern("moa_mail_deliveries\\{[^}]*status=\"pending\"[^}]*} 0\\.0")
				.containsPattern("moa_mail_deliveries\\{[^}]*status=\"failed\"")
				.containsPattern("moa_mail_sent_total\\{[^}]*kind=\"WELCOME\"[^}]*} [1-9]")
				.containsPattern("moa_mail_send_latency_seconds_count [1-9]")
				.contains("moa_mail_smtp_session_seconds"));
	}

	/**
	 * A subscription mail whose user.* event is late waits, visibly to operators, and
	 * goes out once the user is known, on its first attempt.
	 */
	@Test
	void mailWaitingForALateUserEventShowsInTheMetricsAndGoesOutWhenItArrives() {
		UUID productId = product("Waiting Box");
		UUID userId = UUID.randomUUID();
		User user = new User(userId, "waiting-" + userId + "@example.com", "김모아", "en");
		subscribe(user, productId);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(prometheus())
				.containsPattern("moa_mail_deliveries\\{[^}]*status=\"waiting\"[^}]*} 1\\.0")
				.containsPattern("moa_mail_projection_wait_seconds [0-9.E]+"));
		assertThat(internal("/internal/deliveries?recipient=" + userId)).bodyJson()
			.extractingPath("$[0].waitingSince")
			.isNotNull();

		send("user.registered", userId, Map.of("userId", userId, "email", user.email(), "name", user.name(), "role",
				"CONSUMER", "locale", "en"));
		assertThat(awaitInbox(user.email(), 2)).extracting(MailIntegrationTestSupport::subject)
			.contains("[Moa Subscribe] Your subscription to Waiting Box has started");
		awaitQuiet();
		assertThat(this.jdbc
			.sql("SELECT attempts FROM deliveries WHERE recipient_id = ? AND kind = 'SUBSCRIPTION_CONFIRMED'")
			.param(userId)
			.query(Integer.class)
			.single()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(prometheus())
				.containsPattern("moa_mail_deliveries\\{[^}]*status=\"waiting\"[^}]*} 0\\.0")
				.containsPattern("moa_mail_projection_wait_seconds 0\\.0"));
	}

	private String prometheus() throws Exception {
		return this.mvc.get().uri("/actuator/prometheus").exchange().getResponse().getContentAsString();
	}

	private MvcTestResult internal(String uri) {
		return this.mvc.get().uri(uri).header("X-Operator-Key", OPERATOR_KEY).exchange();
	}

}
