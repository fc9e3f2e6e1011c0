package com.moa.auth.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raising {@code moa.auth.password.bcrypt-cost} reaches existing accounts: a hash made at
 * the lower cost is replaced at the account's next login (it stayed as weak as when it
 * was made), once.
 */
@SpringBootTest(properties = "moa.auth.password.bcrypt-cost=8")
@AutoConfigureMockMvc
@Import({ TestPostgres.class, TestRabbit.class })
class PasswordCostUpgradeIntegrationTests {

	private static final String PASSWORD = "correct horse 1";

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aHashOfALowerCostIsReplacedAtTheNextLogin() throws Exception {
		String email = accountHashedAtCost4();

		assertThat(login(email)).hasStatusOk();
		String upgraded = hash(email);
		assertThat(upgraded).startsWith("$2a$08$");
		assertThat(login(email)).hasStatusOk();
		assertThat(hash(email)).isEqualTo(upgraded);
	}

	/**
	 * Logins at once on devices of their own: each passes the check against the old hash
	 * (cost 4, fast) while the upgrades (cost 8) run, one replaces it, and the others
	 * (whose upgrade finds it replaced) still get their session (they were refused as
	 * wrong credentials, counted as failures).
	 */
	@Test
	void loginsAtOnceAllSucceedWhileOneUpgradesTheHash() throws Exception {
		for (int round = 0; round < 3; round++) {
			String email = accountHashedAtCost4();
			CountDownLatch start = new CountDownLatch(1);
			int network = round;
			List<CompletableFuture<Integer>> logins = IntStream.range(0, 4)
				.mapToObj((device) -> CompletableFuture.supplyAsync(() -> {
					await(start);
					return login(email, "10.88." + network + "." + (device + 1)).getResponse().getStatus();
				}))
				.toList();
			start.countDown();
			assertThat(logins.stream().map(CompletableFuture::join)).as("round " + round).containsOnly(200);
			assertThat(hash(email)).startsWith("$2a$08$");
		}
	}

	/** An account whose password was hashed when the cost was 4; its email. */
	private String accountHashedAtCost4() throws Exception {
		String email = "cost-" + System.nanoTime() + "@example.com";
		assertThat(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"CONSUMER"}""".formatted(email, PASSWORD)))
			.hasStatus(HttpStatus.CREATED);
		this.jdbc.sql("UPDATE users SET password_hash = ? WHERE email = ?")
			.params(new BCryptPasswordEncoder(4).encode(prehash(PASSWORD)), email)
			.update();
		return email;
	}

	private MvcTestResult login(String email) {
		return login(email, "10.88.255.1");
	}

	private MvcTestResult login(String email, String clientIp) {
		return this.mvc.post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON).content("""
				{"email":"%s","password":"%s"}""".formatted(email, PASSWORD)).with((request) -> {
			request.setRemoteAddr(clientIp);
			return request;
		}).exchange();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private MvcTestResult post(String uri, String json) {
		return this.mvc.post().uri(uri).contentType(MediaType.APPLICATION_JSON).content(json).exchange();
	}

	private String hash(String email) {
		return this.jdbc.sql("SELECT password_hash FROM users WHERE email = ?")
			.param(email)
			.query(String.class)
			.single();
	}

	/** As {@link Passwords} feeds BCrypt. */
	private static String prehash(String password) throws Exception {
		return Base64.getEncoder()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
	}

}
