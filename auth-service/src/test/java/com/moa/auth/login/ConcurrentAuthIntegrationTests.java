package com.moa.auth.login;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import com.moa.auth.AuthIntegrationTestSupport;
import com.moa.auth.user.Passwords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;

/**
 * Security paths under real concurrency, over real HTTP: the login throttle counts an
 * attempt before the password is checked (no check-then-act window), a logout or a
 * password change revokes a session even when a refresh of it commits at the same moment,
 * and a password change neither overwrites a concurrent one nor holds a database
 * connection while it runs BCrypt ({@link Passwords} is spied on to pause it there).
 */
class ConcurrentAuthIntegrationTests extends AuthIntegrationTestSupport {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ExecutorService pool = Executors.newFixedThreadPool(30);

	@LocalServerPort
	int port;

	@MockitoSpyBean
	Passwords passwords;

	@Autowired
	JdbcClient jdbc;

	@Value("${spring.datasource.hikari.maximum-pool-size}")
	int poolSize;

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void thirtyParallelWrongPasswordsLetAtMostFiveReachThePasswordCheck() throws Exception {
		String email = uniqueEmail();
		signupConsumer(email);
		String wrong = """
				{"email":"%s","password":"wrong password"}""".formatted(email);
		List<Callable<Integer>> logins = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			logins.add(() -> send("POST", "/api/auth/login", wrong, null).statusCode());
		}

		Map<Integer, Long> statuses = together(logins);

		// 401 = the password was checked (and wrong); 429 = refused before the check.
		assertThat(statuses).containsOnlyKeys(401, 429).containsEntry(401, 5L).containsEntry(429, 25L);
		assertThat(send("POST", "/api/auth/login", """
				{"email":"%s","password":"%s"}""".formatted(email, PASSWORD), null).statusCode()).isEqualTo(429);
	}

	@Test
	void parallelCorrectLoginsOfOneAccountAllSucceed() throws Exception {
		// Each success clears the account's earlier failures. Several at once deadlocked
		// on
		// each other's attempt rows (a 503 now and then under auth-bench's login load).
		String email = uniqueEmail();
		signupConsumer(email);
		String right = """
				{"email":"%s","password":"%s"}""".formatted(email, PASSWORD);
		for (int round = 0; round < 20; round++) {
			List<Callable<Integer>> logins = new ArrayList<>();
			// The account's limit of attempts in flight.
			for (int i = 0; i < 5; i++) {
				logins.add(() -> send("POST", "/api/auth/login", right, null).statusCode());
			}
			assertThat(together(logins)).as("round %d", round).containsOnlyKeys(200);
		}
	}

	@Test
	void logoutRevokesTheSessionEvenWhenARefreshCommitsAtTheSameMoment() throws Exception {
		for (int round = 0; round < 25; round++) {
			String email = uniqueEmail();
			signupConsumer(email);
			Tokens session = loginTokens(email, PASSWORD);
			String refreshBody = "{\"refreshToken\":\"" + session.refreshToken() + "\"}";
			List<Callable<HttpResponse<String>>> race = List.of(
					() -> send("POST", "/api/auth/refresh", refreshBody, null),
					() -> send("POST", "/api/auth/logout", refreshBody, session.accessToken()));

			List<HttpResponse<String>> results = race(race);

			assertThat(results.get(1).statusCode()).isEqualTo(204);
			assertNoSurvivingSession(results.get(0), "logout, round " + round);
		}
	}

	@Test
	void passwordChangeRevokesOtherSessionsEvenWhenOneRefreshesAtTheSameMoment() throws Exception {
		for (int round = 0; round < 25; round++) {
			String email = uniqueEmail();
			signupConsumer(email);
			Tokens changer = loginTokens(email, PASSWORD);
			Tokens other = loginTokens(email, PASSWORD);
			String refreshOther = "{\"refreshToken\":\"" + other.refreshToken() + "\"}";
			String change = "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"another horse 2\"}";
			List<Callable<HttpResponse<String>>> race = List.of(
					() -> send("POST", "/api/auth/refresh", refreshOther, null),
					() -> send("PATCH", "/api/auth/me", change, changer.accessToken()));

			List<HttpResponse<String>> results = race(race);

			assertThat(results.get(1).statusCode()).isEqualTo(200);
			assertNoSurvivingSession(results.get(0), "password change, round " + round);
		}
	}

	@Test
	void aPasswordChangedWhileAnotherChangeIsHashedIsNotOverwritten() throws Exception {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens first = loginTokens(email, PASSWORD);
		Tokens second = loginTokens(email, PASSWORD);
		List<Integer> secondStatus = new CopyOnWriteArrayList<>();
		// The second change runs start to finish after the first checked the current
		// password, while it hashes its new one.
		doAnswer((invocation) -> {
			secondStatus.add(
					send("PATCH", "/api/auth/me", passwordChange("second horse 2"), second.accessToken()).statusCode());
			return invocation.callRealMethod();
		}).when(this.passwords).hash("first horse 1");

		HttpResponse<String> result = send("PATCH", "/api/auth/me", passwordChange("first horse 1"),
				first.accessToken());

		assertThat(secondStatus).containsExactly(200);
		assertThat(result.statusCode()).isEqualTo(409);
		assertThat(JsonPath.<String>read(result.body(), "$.type"))
			.isEqualTo("https://moa-subscribe.com/problems/password-changed-concurrently");
		assertThat(login(email, "second horse 2")).hasStatus(HttpStatus.OK);
		assertThat(login(email, "first horse 1")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	/**
	 * The same change sent twice (a double tap; a retry after a lost answer) is answered
	 * as made both times: the copy whose write found its twin's hash answered 409
	 * "nothing was changed", and a later retry 400 counted as a failed login.
	 */
	@Test
	void aRepeatedPasswordChangeIsAnsweredAsMade() throws Exception {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens session = loginTokens(email, PASSWORD);
		String change = passwordChange("repeated horse 3");
		List<Integer> twinStatus = new CopyOnWriteArrayList<>();
		AtomicBoolean twinSent = new AtomicBoolean();
		// The twin runs start to finish after the first checked the current password,
		// while it hashes the new one.
		doAnswer((invocation) -> {
			if (!twinSent.getAndSet(true)) {
				twinStatus.add(send("PATCH", "/api/auth/me", change, session.accessToken()).statusCode());
			}
			return invocation.callRealMethod();
		}).when(this.passwords).hash("repeated horse 3");

		assertThat(send("PATCH", "/api/auth/me", change, session.accessToken()).statusCode()).isEqualTo(200);
		assertThat(twinStatus).containsExactly(200);
		assertThat(send("PATCH", "/api/auth/me", change, session.accessToken()).statusCode()).isEqualTo(200);
		assertThat(login(email, "repeated horse 3")).hasStatus(HttpStatus.OK);
		assertThat(send("PATCH", "/api/auth/me", passwordChange("yet another 4"), session.accessToken()).statusCode())
			.as("the old password is no current password")
			.isEqualTo(400);
	}

	/**
	 * A login checks the old password, then the owner changes it (revoking every session)
	 * before the login's session is stored: the login gets none, or someone who knew the
	 * old password would keep a session the change was meant to end.
	 */
	@Test
	void aLoginWhosePasswordWasChangedDuringItsCheckGetsNoSession() throws Exception {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens owner = loginTokens(email, PASSWORD);
		AtomicBoolean changed = new AtomicBoolean();
		List<Integer> changeStatus = new CopyOnWriteArrayList<>();
		doAnswer((invocation) -> {
			boolean matched = (boolean) invocation.callRealMethod();
			// Only the login's check: the change below checks the current password too.
			if (changed.compareAndSet(false, true)) {
				changeStatus.add(send("PATCH", "/api/auth/me", passwordChange("changed horse 1"), owner.accessToken())
					.statusCode());
			}
			return matched;
		}).when(this.passwords).matches(eq(PASSWORD), anyString());

		HttpResponse<String> login = send("POST", "/api/auth/login", """
				{"email":"%s","password":"%s"}""".formatted(email, PASSWORD), null);

		assertThat(changeStatus).containsExactly(200);
		assertThat(login.statusCode()).as(login.body()).isEqualTo(401);
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM refresh_tokens t JOIN users u ON u.id = t.user_id
				WHERE lower(u.email) = lower(?) AND t.revoked_at IS NULL AND t.spent_at IS NULL""")
			.param(email)
			.query(Integer.class)
			.single()).as("live sessions").isEqualTo(1);
	}

	@Test
	void passwordChangesBeingHashedLeaveTheConnectionPoolToLogins() throws Exception {
		// BCrypt is slow on purpose; a change holding a connection while hashing let as
		// many changes as the pool has connections stall every login and refresh.
		String email = uniqueEmail();
		signupConsumer(email);
		CountDownLatch hashing = new CountDownLatch(this.poolSize);
		CountDownLatch release = new CountDownLatch(1);
		doAnswer((invocation) -> {
			hashing.countDown();
			release.await(60, TimeUnit.SECONDS);
			return invocation.callRealMethod();
		}).when(this.passwords).hash("parked horse 1");
		List<Future<Integer>> changes = new ArrayList<>();
		for (int i = 0; i < this.poolSize; i++) {
			String changer = uniqueEmail();
			signupConsumer(changer);
			Tokens tokens = loginTokens(changer, PASSWORD);
			changes.add(this.pool
				.submit(() -> send("PATCH", "/api/auth/me", passwordChange("parked horse 1"), tokens.accessToken())
					.statusCode()));
		}
		try {
			assertThat(hashing.await(20, TimeUnit.SECONDS)).as("all changes hashing").isTrue();

			HttpResponse<String> login = send("POST", "/api/auth/login", """
					{"email":"%s","password":"%s"}""".formatted(email, PASSWORD), null, Duration.ofSeconds(10));

			assertThat(login.statusCode()).isEqualTo(200);
		}
		finally {
			release.countDown();
		}
		for (Future<Integer> change : changes) {
			assertThat(change.get(30, TimeUnit.SECONDS)).isEqualTo(200);
		}
	}

	/**
	 * Whatever the refresh returned, no refresh token of that session works afterwards.
	 */
	private void assertNoSurvivingSession(HttpResponse<String> refresh, String what) throws Exception {
		if (refresh.statusCode() == 200) {
			String next = JsonPath.read(refresh.body(), "$.refreshToken");
			assertThat(send("POST", "/api/auth/refresh", "{\"refreshToken\":\"" + next + "\"}", null).statusCode())
				.as("the token a racing refresh issued survived the " + what)
				.isEqualTo(401);
		}
		else {
			assertThat(refresh.statusCode()).as(what).isEqualTo(401);
		}
	}

	private <T> List<T> race(List<Callable<T>> calls) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		for (Callable<T> call : calls) {
			futures.add(this.pool.submit(() -> {
				start.await();
				return call.call();
			}));
		}
		start.countDown();
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get());
		}
		return results;
	}

	private Map<Integer, Long> together(List<Callable<Integer>> calls) throws Exception {
		return race(calls).stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private HttpResponse<String> send(String method, String path, String json, String accessToken) throws Exception {
		return send(method, path, json, accessToken, Duration.ofSeconds(20));
	}

	private HttpResponse<String> send(String method, String path, String json, String accessToken, Duration timeout)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(timeout)
			.header("Content-Type", "application/json")
			// One client IP for the whole test: the account limit is what is under test.
			.header("X-Forwarded-For", this.clientIp)
			.method(method, HttpRequest.BodyPublishers.ofString(json));
		if (accessToken != null) {
			request.header("Authorization", "Bearer " + accessToken);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String passwordChange(String newPassword) {
		return """
				{"currentPassword":"%s","newPassword":"%s"}""".formatted(PASSWORD, newPassword);
	}

}
