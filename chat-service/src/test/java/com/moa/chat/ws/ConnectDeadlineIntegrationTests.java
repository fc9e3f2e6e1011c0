package com.moa.chat.ws;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.chat.ChatIntegrationTestSupport;
import com.moa.chat.StompConnection;
import com.moa.platform.testing.TestJwts;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket that never sends CONNECT is closed (1008) at the CONNECT deadline, or at
 * its upgrade token's expiry if that comes first, and its place is free again; one that
 * CONNECTs in time stays. One connection per user here, so a held place shows as a
 * refusal.
 */
@TestPropertySource(
		properties = { "moa.chat.connect-deadline=" + ConnectDeadlineIntegrationTests.DEADLINE_MILLIS + "ms",
				"moa.chat.connections-per-user=1" })
class ConnectDeadlineIntegrationTests extends ChatIntegrationTestSupport {

	static final long DEADLINE_MILLIS = 5000;

	private static final Duration DEADLINE = Duration.ofMillis(DEADLINE_MILLIS);

	private static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * Neither a connection that sends nothing nor one that keeps sending the bytes of a
	 * CONNECT it never finishes (a heart-beat before CONNECT Spring itself closes, 1002)
	 * holds its user's place past the deadline. The trickling one counts as active for
	 * Spring's own check (no message within a minute), so without the deadline it held
	 * the place for good.
	 */
	@Test
	void aConnectionWithoutConnectIsClosedAtTheDeadlineAndFreesItsPlace() throws Exception {
		List<String> tokens = List.of(token(UUID.randomUUID(), "CONSUMER"), token(UUID.randomUUID(), "CONSUMER"));
		try (StompConnection silent = StompConnection.open(this.port, tokens.get(0));
				StompConnection trickling = StompConnection.open(this.port, tokens.get(1))) {
			long opened = System.nanoTime();
			for (String token : tokens) {
				try (StompConnection refused = StompConnection.open(this.port, token)) {
					assertThat(refused.awaitClosed(WAIT)).isEqualTo(1008);
					assertThat(refused.closeReason()).startsWith(ConnectionLimit.TOO_MANY_FOR_USER);
				}
			}
			trickling.sendRaw("CONNECT\naccept-version:1.2\n");
			long giveUp = opened + DEADLINE.plus(WAIT).toNanos();
			while (!(silent.isClosed() && trickling.isClosed()) && System.nanoTime() < giveUp) {
				trickling.sendRawUnlessClosed("\n");
				Thread.sleep(500);
			}
			Duration lived = Duration.ofNanos(System.nanoTime() - opened);

			for (StompConnection idle : List.of(silent, trickling)) {
				assertThat(idle.awaitClosed(Duration.ZERO)).as(idle.toString()).isEqualTo(1008);
				assertThat(idle.closeReason()).isEqualTo(ConnectionLimit.NO_CONNECT + DEADLINE_MILLIS + " ms");
			}
			// Counted on the server from the upgrade, a little before the client's clock.
			assertThat(lived).isGreaterThan(DEADLINE.minusMillis(500));
		}
		for (String token : tokens) {
			// The server counts a close once it has seen it.
			await().atMost(WAIT).untilAsserted(() -> {
				try (StompConnection again = StompConnection.open(this.port, token)) {
					again.send("CONNECT", Map.of("accept-version", "1.2", "heart-beat", "0,0"), "");
					assertThat(again.next(WAIT)).as(again.toString())
						.extracting(StompConnection.Frame::command)
						.isEqualTo("CONNECTED");
				}
			});
		}
	}

	@Test
	void aConnectionWithoutConnectIsClosedWhenItsUpgradeTokenExpires() {
		// exp is in whole seconds: 1 to 2 s from now, well before the deadline.
		Instant expires = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
		String shortLived = signer
			.token(TestJwts.claims(UUID.randomUUID(), "CONSUMER").expirationTime(Date.from(expires)).build());
		try (StompConnection idle = StompConnection.open(this.port, shortLived)) {
			long opened = System.nanoTime();

			assertThat(idle.awaitClosed(WAIT)).as(idle.toString()).isEqualTo(1008);
			Duration lived = Duration.ofNanos(System.nanoTime() - opened);
			assertThat(idle.closeReason()).isEqualTo(ConnectionLimit.TOKEN_EXPIRED);
			assertThat(Instant.now()).isAfterOrEqualTo(expires);
			assertThat(lived).as("closed before the CONNECT deadline").isLessThan(DEADLINE);
		}
	}

	/** CONNECT halfway to the deadline: the connection outlives it and works. */
	@Test
	void aConnectionThatConnectsInTimeOutlivesTheDeadline() throws Exception {
		try (StompConnection client = StompConnection.open(this.port, token(UUID.randomUUID(), "CONSUMER"))) {
			long opened = System.nanoTime();
			Thread.sleep(DEADLINE.dividedBy(2).toMillis());
			client.send("CONNECT", Map.of("accept-version", "1.2", "heart-beat", "10000,10000"), "");
			client.expect("CONNECTED");
			long pastDeadline = opened + DEADLINE.plusSeconds(2).toNanos();
			Thread.sleep(Math.max(0, Duration.ofNanos(pastDeadline - System.nanoTime()).toMillis()));

			assertThat(client.isClosed()).as(client.toString()).isFalse();
			client.subscribe("m", "/user/queue/messages");
			assertThat(client.isClosed()).isFalse();
		}
	}

}
