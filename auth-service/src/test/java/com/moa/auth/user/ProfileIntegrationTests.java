package com.moa.auth.user;

import java.util.List;

import com.moa.auth.AuthIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileIntegrationTests extends AuthIntegrationTestSupport {

	@Test
	void meReturnsTheCallersProfile() {
		String email = uniqueEmail();
		String id = signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		MvcTestResult result = me(tokens.accessToken());

		assertThat(result).hasStatus(HttpStatus.OK);
		assertThat(result).bodyJson().extractingPath("$.id").isEqualTo(id);
		assertThat(result).bodyJson().extractingPath("$.email").isEqualTo(email);
		assertThat(result).bodyJson().extractingPath("$.name").isEqualTo("Kim");
		assertThat(result).bodyJson().extractingPath("$.role").isEqualTo("CONSUMER");
		assertThat(result).bodyJson().extractingPath("$.createdAt").asString().endsWith("Z");
	}

	@Test
	void meWithoutTokenIsUnauthorizedProblem() {
		MvcTestResult result = me(null);

		assertThat(result).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void patchChangesTheName() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		MvcTestResult result = patchMe("{\"name\":\"Lee\"}", tokens.accessToken());

		assertThat(result).hasStatus(HttpStatus.OK);
		assertThat(result).bodyJson().extractingPath("$.name").isEqualTo("Lee");
		assertThat(me(tokens.accessToken())).bodyJson().extractingPath("$.name").isEqualTo("Lee");
	}

	@Test
	void patchRejectsBlankNamesAndBidiControls() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		for (String blank : List.of("  ", "\\u3000\\u3000", "\\u00a0", "\\u200b", "Kim\\u202Egnp.exe")) {
			MvcTestResult result = patchMe("{\"name\":\"" + blank + "\"}", tokens.accessToken());

			assertThat(result).as(blank).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray().contains("name");
		}
		// A right-to-left name with its marks is a name.
		assertThat(patchMe("{\"name\":\"\\u05d3\\u05e0\\u05d4\\u200f\"}", tokens.accessToken())).hasStatusOk();
		// A name with a space inside, full-width or not, is a name.
		assertThat(patchMe("{\"name\":\"\\u3000김\\u3000모아\\u3000\"}", tokens.accessToken())).hasStatusOk()
			.bodyJson()
			.extractingPath("$.name")
			.isEqualTo("김\u3000모아");
	}

	@Test
	void passwordChangeWithWrongCurrentPasswordIsRejectedAndChangesNothing() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		MvcTestResult result = patchMe("""
				{"currentPassword":"not my password","newPassword":"brand new pass"}""", tokens.accessToken());

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("currentPassword");
		assertThat(login(email, PASSWORD)).hasStatus(HttpStatus.OK);
	}

	@Test
	void passwordChangeWithoutCurrentPasswordIsRejected() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);

		MvcTestResult result = patchMe("{\"newPassword\":\"brand new pass\"}", tokens.accessToken());

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("currentPassword");
	}

	@Test
	void wrongCurrentPasswordsAreThrottledLikeFailedLogins() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		for (int i = 0; i < 5; i++) {
			assertThat(patchMe(passwordChange("guess " + i), tokens.accessToken())).hasStatus(HttpStatus.BAD_REQUEST);
		}

		MvcTestResult result = patchMe(passwordChange("guess 5"), tokens.accessToken());

		assertThat(result).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/login-throttled");
		long retryAfter = Long.parseLong(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, 900L);
		// One count per account: the guesses lock its logins too.
		assertThat(login(email, PASSWORD)).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void rightCurrentPasswordWaitsOutTheLockoutAndChangesNothing() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		Tokens otherDevice = loginTokens(email, PASSWORD);
		for (int i = 0; i < 5; i++) {
			assertThat(patchMe(passwordChange("guess " + i), tokens.accessToken())).hasStatus(HttpStatus.BAD_REQUEST);
		}

		MvcTestResult result = patchMe(passwordChange(PASSWORD), tokens.accessToken());

		assertThat(result).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isNotBlank();
		// No password change happened: the other session was not revoked.
		assertThat(refresh(otherDevice.refreshToken())).hasStatus(HttpStatus.OK);
	}

	@Test
	void rightCurrentPasswordClearsTheAccountsEarlierFailures() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		for (int i = 0; i < 4; i++) {
			assertThat(patchMe(passwordChange("guess " + i), tokens.accessToken())).hasStatus(HttpStatus.BAD_REQUEST);
		}
		assertThat(patchMe(passwordChange(PASSWORD), tokens.accessToken())).hasStatus(HttpStatus.OK);
		for (int i = 0; i < 4; i++) {
			assertThat(login(email, "wrong password")).hasStatus(HttpStatus.UNAUTHORIZED);
		}

		assertThat(login(email, "brand new pass")).hasStatus(HttpStatus.OK);
	}

	@Test
	void passwordChangeRevokesOtherSessionsButKeepsTheCurrentOne() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens current = loginTokens(email, PASSWORD);
		Tokens otherDevice = loginTokens(email, PASSWORD);

		MvcTestResult result = patchMe("""
				{"currentPassword":"%s","newPassword":"brand new pass"}""".formatted(PASSWORD), current.accessToken());

		assertThat(result).hasStatus(HttpStatus.OK);
		assertThat(refresh(otherDevice.refreshToken())).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(refresh(current.refreshToken())).hasStatus(HttpStatus.OK);
		assertThat(login(email, PASSWORD)).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(login(email, "brand new pass")).hasStatus(HttpStatus.OK);
	}

	private static String passwordChange(String currentPassword) {
		return """
				{"currentPassword":"%s","newPassword":"brand new pass"}""".formatted(currentPassword);
	}

}
