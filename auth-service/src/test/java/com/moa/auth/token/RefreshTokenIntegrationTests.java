package com.moa.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.moa.auth.AuthIntegrationTestSupport;
import com.moa.auth.AuthProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

@ExtendWith(OutputCaptureExtension.class)
class RefreshTokenIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private AccessTokens accessTokens;

	@Autowired
	private AuthProperties properties;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Test
	void refreshIssuesNewPairAndSpendsThePresentedToken() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens first = loginTokens(email, PASSWORD);

		MvcTestResult result = refresh(first.refreshToken());

		assertThat(result).hasStatus(HttpStatus.OK);
		Tokens second = Tokens.of(result);
		assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
		assertThat(me(second.accessToken())).hasStatus(HttpStatus.OK);
		assertThat(refresh(second.refreshToken())).hasStatus(HttpStatus.OK);
	}

	/**
	 * An app refreshes because its access token expired and may still send it along:
	 * sign-up, login and refresh do not read it (their credentials are in the body), the
	 * other endpoints still refuse it.
	 */
	@Test
	void credentialEndpointsIgnoreAnExpiredOrBrokenBearerTokenSentAlong() {
		String stale = "not.a.jwt";
		String email = uniqueEmail();
		assertThat(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"CONSUMER"}""".formatted(email, PASSWORD), stale))
			.hasStatus(HttpStatus.CREATED);
		MvcTestResult login = post("/api/auth/login", """
				{"email":"%s","password":"%s"}""".formatted(email, PASSWORD), stale);
		assertThat(login).hasStatus(HttpStatus.OK);

		assertThat(post("/api/auth/refresh", """
				{"refreshToken":"%s"}""".formatted(Tokens.of(login).refreshToken()), stale)).hasStatus(HttpStatus.OK);
		assertThat(me(stale)).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void storesOnlyTheHashOfRefreshTokens() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		List<String> stored = this.jdbc.sql("SELECT token_hash FROM refresh_tokens").query(String.class).list();

		assertThat(stored).doesNotContain(tokens.refreshToken()).contains(RefreshTokens.hash(tokens.refreshToken()));
	}

	@Test
	void reuseOfSpentTokenIsRejectedAndRevokesTheWholeFamily(CapturedOutput output) {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens first = loginTokens(email, PASSWORD);
		Tokens second = Tokens.of(refresh(first.refreshToken()));
		Tokens otherLogin = loginTokens(email, PASSWORD);

		MvcTestResult reuse = refresh(first.refreshToken());

		assertThat(reuse).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(reuse).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		// The newer token of the same family is revoked too (the revocation committed).
		assertThat(refresh(second.refreshToken())).hasStatus(HttpStatus.UNAUTHORIZED);
		// Another login (family) of the same user is untouched.
		assertThat(refresh(otherLogin.refreshToken())).hasStatus(HttpStatus.OK);
		assertThat(output).containsOnlyOnce("Refresh token reuse for user");
	}

	@Test
	void rejectsUnknownRefreshToken() {
		assertThat(refresh("not-a-token")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void concurrentRefreshOfOneTokenSucceedsExactlyOnce() throws Exception {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		int attempts = 4;
		ExecutorService executor = Executors.newFixedThreadPool(attempts);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < attempts; i++) {
				results.add(executor.submit(() -> {
					start.await();
					return refresh(tokens.refreshToken()).getResponse().getStatus();
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> result : results) {
				statuses.add(result.get(30, TimeUnit.SECONDS));
			}

			assertThat(statuses).containsOnly(200, 401);
			assertThat(statuses).filteredOn((status) -> status == 200).hasSize(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * A thief who refreshes in a loop is always somewhere in a refresh. When the victim's
	 * app presents the spent token, the revocation must also catch the token that refresh
	 * is about to commit: one is paused after it stored its new token, the reuse comes in
	 * meanwhile.
	 */
	@Test
	void aReuseAlsoRevokesTheTokenAConcurrentRefreshOfTheSessionIsIssuing() throws Exception {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens stolen = loginTokens(email, PASSWORD);
		Tokens thiefs = Tokens.of(refresh(stolen.refreshToken()));
		CountDownLatch issuing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AccessTokens paused = spy(this.accessTokens);
		doAnswer((invocation) -> {
			issuing.countDown();
			release.await(20, TimeUnit.SECONDS);
			return invocation.callRealMethod();
		}).when(paused).issue(any(), any(), any());
		RefreshTokens thiefsRefresh = new RefreshTokens(this.jdbc, paused, this.properties, Clock.systemUTC());
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<TokenResponse> racing = executor
				.submit(() -> transaction.execute((status) -> thiefsRefresh.refresh(thiefs.refreshToken())));
			assertThat(issuing.await(10, TimeUnit.SECONDS)).as("the thief's refresh stored its token").isTrue();
			Future<Integer> reuse = executor.submit(() -> refresh(stolen.refreshToken()).getResponse().getStatus());
			// The reuse waits for a lock the paused refresh holds (today's, or the one it
			// should wait for).
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.jdbc.sql(
						"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
					.query(Integer.class)
					.single() > 0);
			release.countDown();
			TokenResponse issued = racing.get(20, TimeUnit.SECONDS);

			assertThat(reuse.get(20, TimeUnit.SECONDS)).isEqualTo(401);
			assertThat(refresh(issued.refreshToken())).as("the token issued while the reuse revoked the session")
				.hasStatus(HttpStatus.UNAUTHORIZED);
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	/**
	 * Every token issued is kept until it expires (reuse detection needs it), so one
	 * account refreshing in a loop must not add rows without bound: past the hour's
	 * budget a refresh is 429 with Retry-After, and its token stays unspent for later.
	 */
	@Test
	void refreshesBeyondTheHourlyBudgetAreRefusedWithoutSpendingTheToken() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		int budget = this.properties.tokens().maxIssuedPerHour();
		for (int issued = 1; issued < budget; issued++) {
			MvcTestResult result = refresh(tokens.refreshToken());
			assertThat(result).as("refresh %d", issued).hasStatus(HttpStatus.OK);
			tokens = Tokens.of(result);
		}

		MvcTestResult refused = refresh(tokens.refreshToken());

		assertThat(refused).hasStatus(HttpStatus.TOO_MANY_REQUESTS)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/refresh-throttled");
		long retryAfter = Long.parseLong(refused.getResponse().getHeader(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, 3600L);
		assertThat(this.jdbc.sql("SELECT count(*) FROM refresh_tokens WHERE token_hash = ? AND spent_at IS NULL")
			.param(RefreshTokens.hash(tokens.refreshToken()))
			.query(Integer.class)
			.single()).isOne();
		assertThat(me(tokens.accessToken())).hasStatus(HttpStatus.OK);
	}

	/**
	 * An app refreshing with the token of a session that ended is no reuse to warn of.
	 */
	@Test
	void logoutRevokesTheFamilyOfTheCallersToken(CapturedOutput output) {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		Tokens rotated = Tokens.of(refresh(tokens.refreshToken()));

		MvcTestResult result = post("/api/auth/logout", """
				{"refreshToken":"%s"}""".formatted(rotated.refreshToken()), rotated.accessToken());

		assertThat(result).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(refresh(rotated.refreshToken())).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(output).doesNotContain("Refresh token reuse");
	}

	@Test
	void logoutWithAnotherUsersTokenAnswers204ButRevokesNothing() {
		String victimEmail = uniqueEmail();
		signupConsumer(victimEmail);
		Tokens victim = loginTokens(victimEmail, PASSWORD);
		String attackerEmail = uniqueEmail();
		signupConsumer(attackerEmail);
		Tokens attacker = loginTokens(attackerEmail, PASSWORD);

		MvcTestResult result = post("/api/auth/logout", """
				{"refreshToken":"%s"}""".formatted(victim.refreshToken()), attacker.accessToken());

		assertThat(result).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(refresh(victim.refreshToken())).hasStatus(HttpStatus.OK);
	}

	@Test
	void logoutRequiresAnAccessToken() {
		MvcTestResult result = post("/api/auth/logout", "{\"refreshToken\":\"x\"}");

		assertThat(result).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
