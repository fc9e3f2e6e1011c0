package com.moa.auth.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

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
@SpringBootTest(properties = "moa.auth.password.bcrypt-cost=5")
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
		String email = "cost-" + System.nanoTime() + "@example.com";
		assertThat(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"CONSUMER"}""".formatted(email, PASSWORD)))
			.hasStatus(HttpStatus.CREATED);
		// Hashed when the cost was 4.
		this.jdbc.sql("UPDATE users SET password_hash = ? WHERE email = ?")
			.params(new BCryptPasswordEncoder(4).encode(prehash(PASSWORD)), email)
			.update();

		assertThat(login(email)).hasStatusOk();
		String upgraded = hash(email);
		assertThat(upgraded).startsWith("$2a$05$");
		assertThat(login(email)).hasStatusOk();
		assertThat(hash(email)).isEqualTo(upgraded);
	}

	private MvcTestResult login(String email) {
		return post("/api/auth/login", """
				{"email":"%s","password":"%s"}""".formatted(email, PASSWORD));
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
