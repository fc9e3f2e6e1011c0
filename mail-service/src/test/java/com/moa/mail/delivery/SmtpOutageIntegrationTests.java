package com.moa.mail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.moa.mail.MailIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SMTP really away (the proxy in front of GreenMail cut): mail keeps being queued, none
 * fails, the service stays healthy, and once SMTP is back every mail arrives once.
 */
class SmtpOutageIntegrationTests extends MailIntegrationTestSupport {

	@Test
	void mailQueuedDuringAnOutageIsDeliveredOnceAfterIt() throws Exception {
		UUID productId = product("Outage Box");
		List<User> subscribers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			subscribers.add(user("ko"));
		}
		awaitQuiet();
		this.smtpProxy.cut();
		try {
			List<User> newcomers = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				newcomers.add(user("en"));
			}
			subscribers.forEach((user) -> subscribe(user, productId));
			awaitProcessed(termsChanged(productId, "Outage Box", 2, "New terms"));
			Thread.sleep(2000);

			for (User user : newcomers) {
				assertThat(inbox(user.email())).isEmpty();
				assertThat(deliveries(user.id())).singleElement().asString().matches("WELCOME (QUEUED|SENDING)");
			}
			// This test's mail only: the log is shared with the other classes of the
			// context.
			UUID[] mine = java.util.stream.Stream.concat(subscribers.stream(), newcomers.stream())
				.map(User::id)
				.toArray(UUID[]::new);
			assertThat(
					this.jdbc.sql("SELECT count(*) FROM deliveries WHERE status = 'FAILED' AND recipient_id = ANY(?)")
						.param(mine)
						.query(Integer.class)
						.single())
				.isZero();
			assertThat(this.jdbc
				.sql("SELECT coalesce(max(attempts), 0) FROM deliveries"
						+ " WHERE status IN ('QUEUED', 'SENDING') AND last_error IS NOT NULL AND recipient_id = ANY(?)")
				.param(mine)
				.query(Integer.class)
				.single()).isZero();
			assertThat(this.mvc.get().uri("/actuator/health")).hasStatusOk();
			assertThat(this.mvc.get().uri("/actuator/health/readiness")).hasStatusOk();

			this.smtpProxy.restore();
			awaitQuiet();
			for (User user : newcomers) {
				assertThat(awaitInbox(user.email(), 1)).hasSize(1);
			}
			for (User user : subscribers) {
				// welcome (before the outage), confirmation and terms (after it)
				assertThat(awaitInbox(user.email(), 3)).hasSize(3);
			}
			Thread.sleep(1000);
			for (User user : newcomers) {
				assertThat(inbox(user.email())).hasSize(1);
			}
			for (User user : subscribers) {
				assertThat(inbox(user.email())).hasSize(3);
			}
		}
		finally {
			this.smtpProxy.restore();
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(
					this.jdbc.sql("SELECT count(*) FROM deliveries WHERE status = 'SENT' AND last_error IS NOT NULL")
						.query(Integer.class)
						.single())
				.isZero());
	}

}
