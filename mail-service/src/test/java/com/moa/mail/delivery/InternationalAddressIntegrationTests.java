package com.moa.mail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.mail.MailIntegrationTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Addresses auth-service accepts with non-ASCII characters: an internationalized domain
 * is reached through its ASCII form, a non-ASCII local part (which needs SMTPUTF8) fails
 * at once and reaches nobody. Angus Mail used to write each character's low byte, so
 * {@code 걁걂@example.com} received nothing and {@code AB@example.com} got its mail.
 */
class InternationalAddressIntegrationTests extends MailIntegrationTestSupport {

	private final List<UUID> users = new ArrayList<>();

	/**
	 * Other tests share this context's log and take any FAILED mail for one of theirs.
	 */
	@AfterEach
	void forgetTheseMails() {
		this.jdbc.sql("DELETE FROM deliveries WHERE recipient_id = ANY(?)")
			.param(this.users.toArray(UUID[]::new))
			.update();
	}

	@Test
	void aNonAsciiLocalPartFailsAtOnceAndNobodyGetsTheMail() {
		String tag = UUID.randomUUID().toString();
		User user = user("ko", "걁걂-" + tag + "@example.com");
		this.users.add(user.id());

		Map<String, Object> welcome = awaitDone(user);
		assertThat(welcome).containsEntry("status", "FAILED").containsEntry("attempts", 1);
		assertThat((String) welcome.get("last_error")).contains("address needs SMTPUTF8");
		assertThat(mailbox("AB-" + tag + "@example.com")).isEmpty();
		assertThat(mailbox(user.email())).isEmpty();
	}

	@Test
	void anInternationalizedDomainIsReachedThroughItsAsciiForm() {
		String local = "user-" + UUID.randomUUID();
		User user = user("en", local + "@도메인.한국");
		this.users.add(user.id());

		Map<String, Object> welcome = awaitDone(user);
		assertThat(welcome).containsEntry("status", "SENT")
			.containsEntry("email", local + "@xn--hq1bm8jm9l.xn--3e0b707e");
		assertThat(mailbox(local + "@xn--hq1bm8jm9l.xn--3e0b707e")).singleElement()
			.satisfies((mail) -> assertThat(subject(mail)).contains("Welcome"));
		// Operators find it by the address in either form, also once the user moved on.
		send("user.updated", user.id(), Map.of("userId", user.id(), "email", "moved-" + local + "@example.com", "name",
				user.name(), "locale", "en", "version", 1));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT email FROM mail_users WHERE user_id = ?")
				.param(user.id())
				.query(String.class)
				.single()
				.startsWith("moved-"));
		for (String email : new String[] { user.email(), local + "@XN--HQ1BM8JM9L.xn--3e0b707e" }) {
			assertThat(this.mvc.get()
				.uri("/internal/deliveries?email={email}", email)
				.header("X-Operator-Key", OPERATOR_KEY)
				.exchange()).bodyJson().extractingPath("$.length()").as(email).isEqualTo(1);
		}
	}

	/** The user's welcome mail once the sender is done with it (SENT or FAILED). */
	private Map<String, Object> awaitDone(User user) {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc
				.sql("SELECT count(*) FROM deliveries WHERE recipient_id = ? AND status IN ('SENT', 'FAILED')")
				.param(user.id())
				.query(Integer.class)
				.single() == 1);
		return this.jdbc.sql("SELECT status, attempts, last_error, email FROM deliveries WHERE recipient_id = ?")
			.param(user.id())
			.query()
			.singleRow();
	}

}
