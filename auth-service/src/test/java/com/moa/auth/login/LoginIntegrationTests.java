package com.moa.auth.login;

import java.util.concurrent.ThreadLocalRandom;

import com.moa.auth.AuthIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

class LoginIntegrationTests extends AuthIntegrationTestSupport {

	@Test
	void issuesBearerTokenPairForCorrectCredentialsInAnyEmailCase() {
		String email = uniqueEmail();
		signupConsumer(email);

		MvcTestResult result = login(email.toUpperCase(), PASSWORD);

		assertThat(result).hasStatus(HttpStatus.OK);
		assertThat(result).bodyJson().extractingPath("$.tokenType").isEqualTo("Bearer");
		assertThat(result).bodyJson().extractingPath("$.expiresIn").isEqualTo(900);
		assertThat(read(result, "$.accessToken").split("\\.")).hasSize(3);
		assertThat(read(result, "$.refreshToken")).hasSizeGreaterThanOrEqualTo(43);
	}

	@Test
	void answersUnknownEmailExactlyLikeWrongPassword() {
		String email = uniqueEmail();
		signupConsumer(email);

		MvcTestResult wrongPassword = login(email, "wrong password");
		MvcTestResult unknownEmail = login(uniqueEmail(), "wrong password");

		assertThat(wrongPassword).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(wrongPassword).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(unknownEmail).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(body(unknownEmail)).isEqualTo(body(wrongPassword));
	}

	@Test
	void throttlesAccountAfterFiveFailuresEvenWithTheRightPassword() {
		String email = uniqueEmail();
		signupConsumer(email);
		for (int i = 0; i < 5; i++) {
			assertThat(login(email, "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
		}

		MvcTestResult result = login(email, PASSWORD);

		assertThat(result).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/login-throttled");
		long retryAfter = Long.parseLong(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, 900L);
	}

	/**
	 * Whoever knows an email must not lock its owner out: five wrong passwords lock the
	 * account for the network they came from.
	 */
	@Test
	void anotherNetworkStillLogsInWhileOneIsThrottledForTheAccount() {
		String email = uniqueEmail();
		signupConsumer(email);
		String attacker = randomNetwork();
		for (int i = 0; i < 5; i++) {
			assertThat(loginFrom(attacker, email, "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
		}

		assertThat(loginFrom(attacker, email, PASSWORD)).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(loginFrom(randomNetwork(), email, PASSWORD)).hasStatus(HttpStatus.OK);
	}

	@Test
	void throttlesTheAccountEverywhereAfterTwentyFiveFailuresAcrossNetworks() {
		String email = uniqueEmail();
		signupConsumer(email);
		for (int network = 0; network < 5; network++) {
			String address = randomNetwork();
			for (int i = 0; i < 5; i++) {
				assertThat(loginFrom(address, email, "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
			}
		}

		MvcTestResult result = loginFrom(randomNetwork(), email, PASSWORD);

		assertThat(result).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(Long.parseLong(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER))).isBetween(1L, 900L);
	}

	/** An address in a /64 of its own. */
	private static String randomNetwork() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "2001:db8:" + Integer.toHexString(random.nextInt(0x10000)) + ":"
				+ Integer.toHexString(random.nextInt(0x10000)) + "::1";
	}

	@Test
	void successfulLoginResetsTheAccountCounter() {
		String email = uniqueEmail();
		signupConsumer(email);
		for (int i = 0; i < 4; i++) {
			login(email, "wrong password");
		}
		assertThat(login(email, PASSWORD)).hasStatus(HttpStatus.OK);
		for (int i = 0; i < 4; i++) {
			assertThat(login(email, "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
		}

		assertThat(login(email, PASSWORD)).hasStatus(HttpStatus.OK);
	}

	@Test
	void throttlesClientIpAfterTwentyFailuresAcrossAccounts() {
		String email = uniqueEmail();
		signupConsumer(email);
		for (int i = 0; i < 20; i++) {
			assertThat(login(uniqueEmail(), "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
		}

		MvcTestResult result = login(email, PASSWORD);

		assertThat(result).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isNotBlank();
	}

	/**
	 * An email of 254 characters can grow when lower-cased ({@code İ} becomes two): it is
	 * still just wrong credentials, and still counts against the account's limit (it was
	 * a 400 from the database refusing the longer text, with nothing counted).
	 */
	@Test
	void anEmailThatGrowsWhenLowerCasedIsStillCountedAsAFailure() {
		String growing = "İ".repeat(254);
		for (int i = 0; i < 5; i++) {
			assertThat(login(growing, "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
		}

		assertThat(login(growing, "wrong password")).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
	}

	/**
	 * An IPv6 client holds a whole /64: a new address in it for every attempt is still
	 * one client.
	 */
	@Test
	void throttlesAnIpv6ClientByItsSlash64() {
		String email = uniqueEmail();
		signupConsumer(email);
		String network = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + ":1:";
		for (int i = 1; i <= 20; i++) {
			assertThat(loginFrom(network + Integer.toHexString(i) + "::" + i, uniqueEmail(), "wrong password"))
				.hasStatus(HttpStatus.UNAUTHORIZED);
		}

		assertThat(loginFrom(network + "ffff::1", email, PASSWORD)).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
	}

	private MvcTestResult loginFrom(String address, String email, String password) {
		return this.mvc.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")
			.with((request) -> {
				request.setRemoteAddr(address);
				return request;
			})
			.exchange();
	}

	@Test
	void logsInWithAnyPasswordSignupAccepted() {
		// Signup takes any 8 to 128 characters, spaces included; login must not
		// refuse one as "blank" (400) that signup let through.
		String email = uniqueEmail();
		String password = " ".repeat(8);
		assertThat(signup(email, password, "CONSUMER")).hasStatus(HttpStatus.CREATED);

		assertThat(login(email, password)).hasStatus(HttpStatus.OK);
		assertThat(login(email, " ".repeat(9))).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void rejectsMissingPasswordAsValidationProblem() {
		MvcTestResult result = post("/api/auth/login", "{\"email\":\"a@b.com\"}");

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray().contains("password");
	}

}
