package com.moa.auth.user;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.moa.auth.AuthIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

class SignupIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	JdbcClient jdbc;

	@Test
	void createsAccountWithNormalizedEmail() {
		String email = uniqueEmail();

		MvcTestResult result = signup(email.toUpperCase(), PASSWORD, "SELLER");

		assertThat(result).hasStatus(HttpStatus.CREATED);
		assertThat(result).bodyJson().extractingPath("$.email").isEqualTo(email);
		assertThat(result).bodyJson().extractingPath("$.role").isEqualTo("SELLER");
		assertThat(result).bodyJson().extractingPath("$.name").isEqualTo("Kim");
		assertThat(result).bodyJson().extractingPath("$.id").asString().hasSize(36);
		assertThat(result).bodyJson().doesNotHavePath("$.password");
		assertThat(result).bodyJson().doesNotHavePath("$.passwordHash");
	}

	@Test
	void rejectsTakenEmailCaseInsensitively() {
		String email = uniqueEmail();
		signupConsumer(email);

		MvcTestResult result = signup(email.toUpperCase(), PASSWORD, "CONSUMER");

		assertThat(result).hasStatus(HttpStatus.CONFLICT);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/email-taken");
	}

	@Test
	void ignoresClientChosenIdAndUnknownFields() {
		String chosenId = "11111111-2222-3333-4444-555555555555";

		MvcTestResult result = post("/api/auth/signup", """
				{"id":"%s","email":"%s","password":"%s","name":"Kim","role":"CONSUMER","admin":true}"""
			.formatted(chosenId, uniqueEmail(), PASSWORD));

		assertThat(result).hasStatus(HttpStatus.CREATED);
		assertThat(read(result, "$.id")).isNotEqualTo(chosenId);
		assertThat(result).bodyJson().extractingPath("$.role").isEqualTo("CONSUMER");
	}

	@Test
	void rejectsAdminRole() {
		MvcTestResult result = signup(uniqueEmail(), PASSWORD, "ADMIN");

		assertValidationError(result, "role");
	}

	@Test
	void rejectsUnknownRole() {
		assertValidationError(signup(uniqueEmail(), PASSWORD, "GOD"), "role");
	}

	@Test
	void rejectsMissingRole() {
		assertValidationError(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim"}""".formatted(uniqueEmail(), PASSWORD)), "role");
	}

	@Test
	void rejectsInvalidEmail() {
		assertValidationError(signup("not-an-email", PASSWORD, "CONSUMER"), "email");
	}

	@Test
	void rejectsEmailsThatReadLikeAnotherOrCannotBeMailed() {
		String local = "u" + UUID.randomUUID().toString().substring(0, 8);
		// A zero-width space, a Cyrillic a, an accented letter (all need SMTPUTF8), a
		// domain IDNA maps to example.com, one it maps to strasse.de.
		for (String email : List.of(local + "\\u200b@example.com", "\\u0430" + local + "@example.com",
				local + "\\u00e9@example.com", local + "@exa\\u200bmple.com", local + "@stra\\u00dfe.de")) {
			MvcTestResult result = post("/api/auth/signup", """
					{"email":"%s","password":"%s","name":"Kim","role":"CONSUMER"}""".formatted(email, PASSWORD));
			assertValidationError(result, "email");
			assertThat(result).bodyJson()
				.extractingPath("$.errors[0].message")
				.isEqualTo("must have a plain ASCII local part and a valid domain");
		}
	}

	@Test
	void anInternationalizedAddressMustFitSmtpsLimitInItsAsciiForm() {
		// 64 characters typed, 204 in ASCII: three labels of 19 Hangul syllables and .한국
		String label = "\uac00\ub098\ub2e4\ub77c\ub9c8\ubc14\uc0ac\uc544\uc790\ucc28\uce74\ud0c0\ud30c\ud558"
				+ "\uac00\ub098\ub2e4\ub77c\ub9c8";
		String domain = String.join(".", label, label.substring(0, 18) + "\uac01", label.substring(0, 18) + "\uac02",
				"\ud55c\uad6d");
		String local = "u" + UUID.randomUUID().toString().replace("-", "");
		String atLimit = local + "a".repeat(253 - IDN.toASCII(domain).length() - local.length()) + "@" + domain;
		String overLimit = "b" + atLimit;
		assertThat(atLimit.length()).isLessThan(254 / 2);

		assertThat(signup(atLimit, PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CREATED)
			.bodyJson()
			.extractingPath("$.email")
			.isEqualTo(atLimit);
		MvcTestResult refused = signup(overLimit, PASSWORD, "CONSUMER");
		assertValidationError(refused, "email");
		assertThat(refused).bodyJson()
			.extractingPath("$.errors[0].message")
			.isEqualTo("must be at most 254 characters with its domain written in ASCII");
	}

	@Test
	void anInternationalizedDomainIsOneAccountInEitherSpelling() {
		String local = "u" + UUID.randomUUID().toString().substring(0, 8);
		String unicode = local + "@\ub3c4\uba54\uc778.\ud55c\uad6d";
		String ascii = local + "@xn--hq1bm8jm9l.xn--3e0b707e";

		assertThat(signup(unicode, PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CREATED)
			.bodyJson()
			.extractingPath("$.email")
			.isEqualTo(unicode);
		assertThat(signup(ascii, PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CONFLICT);
		assertThat(login(ascii, PASSWORD)).hasStatus(HttpStatus.OK);
		assertThat(login(unicode.toUpperCase(Locale.ROOT), PASSWORD)).hasStatus(HttpStatus.OK);
	}

	@Test
	void anAccountStoredWithTheAsciiDomainStillLogsIn() {
		// Before domains were stored in Unicode, the ASCII spelling was kept as typed.
		String local = "u" + UUID.randomUUID().toString().substring(0, 8);
		String unicode = local + "@\ub3c4\uba54\uc778.\ud55c\uad6d";
		assertThat(signup(unicode, PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CREATED);
		this.jdbc.sql("UPDATE users SET email = ? WHERE email = ?")
			.params(local + "@xn--hq1bm8jm9l.xn--3e0b707e", unicode)
			.update();

		assertThat(login(unicode, PASSWORD)).hasStatus(HttpStatus.OK);
		assertThat(signup(unicode, PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CONFLICT);
	}

	@Test
	void accountsStoredWithASpellingNowNormalizedElsewhereLogInAsTyped() {
		// Before signup refused them: a domain IDNA maps to another, and both spellings
		// of one domain stored as two accounts. Each logs in with the spelling it has.
		String local = "u" + UUID.randomUUID().toString().substring(0, 8);
		String mapped = local + "@stra\u00dfe.de";
		String unicode = local + "@\ub3c4\uba54\uc778.\ud55c\uad6d";
		String ascii = local + "@xn--hq1bm8jm9l.xn--3e0b707e";
		assertThat(signup(local + "@example.org", PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CREATED);
		assertThat(signup(unicode, PASSWORD, "CONSUMER")).hasStatus(HttpStatus.CREATED);
		assertThat(signup(local + "@example.net", "other-password", "CONSUMER")).hasStatus(HttpStatus.CREATED);
		this.jdbc.sql("UPDATE users SET email = ? WHERE email = ?").params(mapped, local + "@example.org").update();
		this.jdbc.sql("UPDATE users SET email = ? WHERE email = ?").params(ascii, local + "@example.net").update();

		assertThat(login(mapped, PASSWORD)).hasStatus(HttpStatus.OK);
		assertThat(login(unicode, PASSWORD)).hasStatus(HttpStatus.OK);
		assertThat(login(ascii, "other-password")).hasStatus(HttpStatus.OK);
	}

	@Test
	void rejectsPasswordShorterThanEightCharacters() {
		assertValidationError(signup(uniqueEmail(), "short12", "CONSUMER"), "password");
	}

	@Test
	void rejectsPasswordLongerThan128Characters() {
		assertValidationError(signup(uniqueEmail(), "x".repeat(129), "CONSUMER"), "password");
	}

	@Test
	void acceptsLongMultibytePasswordBeyondBcryptLimitAndLogsInWithIt() {
		String email = uniqueEmail();
		String password = "비밀번호".repeat(30);

		assertThat(signup(email, password, "CONSUMER")).hasStatus(HttpStatus.CREATED);
		assertThat(login(email, password)).hasStatus(HttpStatus.OK);
		assertThat(login(email, "비밀번호".repeat(29) + "비밀번x")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void rejectsBlankNamesAndBidiControls() {
		for (String blank : List.of("   ", "\\u3000\\u3000", "\\u00a0", "\\u200b\\u200b", " \\u2003\\u200b ",
				"\\u3164\\u3164", "\\u115f\\u1160", "\\u2800", "\\uffa0", "Kim\\u202Egnp.exe", "\\u2067Kim",
				"Kim\\u202A")) {
			assertValidationError(post("/api/auth/signup", """
					{"email":"%s","password":"%s","name":"%s","role":"CONSUMER"}""".formatted(uniqueEmail(), PASSWORD,
					blank)), "name");
		}
	}

	@Test
	void rejectsUnsupportedLocale() {
		assertValidationError(post("/api/auth/signup", """
				{"email":"%s","password":"%s","name":"Kim","role":"CONSUMER","locale":"fr"}""".formatted(uniqueEmail(),
				PASSWORD)), "locale");
	}

	@Test
	void rejectsMalformedJsonWithProblem() {
		MvcTestResult result = post("/api/auth/signup", "{\"email\": ");

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/malformed-request");
	}

	private static void assertValidationError(MvcTestResult result, String field) {
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray().contains(field);
	}

}
