package com.moa.auth;

import java.io.UnsupportedEncodingException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * One shared application context on a fresh real PostgreSQL database and a RabbitMQ
 * virtual host of its own (the outbox relay publishes there), with helpers that call the
 * HTTP API (MockMvc, and a real port for raw-HTTP tests). BCrypt cost 4 keeps the suite
 * fast (never allowed in production).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "moa.auth.password.bcrypt-cost=4")
@AutoConfigureMockMvc
@Import({ TestPostgres.class, TestRabbit.class })
public abstract class AuthIntegrationTestSupport {

	protected static final String PASSWORD = "correct horse 1";

	@Autowired
	protected MockMvcTester mvc;

	/** Each test's own client IP, so IP throttling never leaks between tests. */
	protected final String clientIp = "10." + ThreadLocalRandom.current().nextInt(256) + "."
			+ ThreadLocalRandom.current().nextInt(256) + "." + ThreadLocalRandom.current().nextInt(1, 255);

	protected static String uniqueEmail() {
		return "user-" + UUID.randomUUID() + "@example.com";
	}

	protected MvcTestResult post(String path, String json) {
		return post(path, json, null);
	}

	protected MvcTestResult post(String path, String json, String accessToken) {
		return this.mvc.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.content(json)
			.headers((headers) -> bearer(headers, accessToken))
			.with((request) -> {
				request.setRemoteAddr(this.clientIp);
				return request;
			})
			.exchange();
	}

	protected MvcTestResult me(String accessToken) {
		return this.mvc.get().uri("/api/auth/me").headers((headers) -> bearer(headers, accessToken)).exchange();
	}

	protected MvcTestResult patchMe(String json, String accessToken) {
		return this.mvc.patch()
			.uri("/api/auth/me")
			.contentType(MediaType.APPLICATION_JSON)
			.content(json)
			.headers((headers) -> bearer(headers, accessToken))
			.with((request) -> {
				request.setRemoteAddr(this.clientIp);
				return request;
			})
			.exchange();
	}

	protected MvcTestResult signup(String email, String password, String role) {
		return post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"%s"}""".formatted(email, password, role));
	}

	/** Signs up a consumer and returns its id. */
	protected String signupConsumer(String email) {
		MvcTestResult result = signup(email, PASSWORD, "CONSUMER");
		if (result.getResponse().getStatus() != 201) {
			throw new IllegalStateException("signup failed: " + body(result));
		}
		return read(result, "$.id");
	}

	protected MvcTestResult login(String email, String password) {
		return post("/api/auth/login", """
				{"email":"%s","password":"%s"}""".formatted(email, password));
	}

	/** Logs in and returns the token response as a parsed pair. */
	protected Tokens loginTokens(String email, String password) {
		MvcTestResult result = login(email, password);
		if (result.getResponse().getStatus() != 200) {
			throw new IllegalStateException("login failed: " + body(result));
		}
		return Tokens.of(result);
	}

	protected MvcTestResult refresh(String refreshToken) {
		return post("/api/auth/refresh", """
				{"refreshToken":"%s"}""".formatted(refreshToken));
	}

	protected static String body(MvcTestResult result) {
		try {
			return result.getResponse().getContentAsString();
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	protected static String read(MvcTestResult result, String path) {
		return JsonPath.read(body(result), path).toString();
	}

	private static void bearer(HttpHeaders headers, String accessToken) {
		if (accessToken != null) {
			headers.setBearerAuth(accessToken);
		}
	}

	/**
	 * An issued pair.
	 *
	 * @param accessToken the JWT
	 * @param refreshToken the opaque refresh token
	 */
	protected record Tokens(String accessToken, String refreshToken) {

		public static Tokens of(MvcTestResult result) {
			return new Tokens(read(result, "$.accessToken"), read(result, "$.refreshToken"));
		}

	}

}
