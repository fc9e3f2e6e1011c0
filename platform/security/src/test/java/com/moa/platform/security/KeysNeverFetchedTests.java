package com.moa.platform.security;

import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TestJwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service started while auth-service is down has no key to check a token with: that is
 * a dependency being unavailable (503, try again), not a bad token and not a bug.
 */
@WebMvcTest(properties = "moa.security.public-paths=GET /public/**")
@Import(ResourceServerSecurityTests.EchoController.class)
class KeysNeverFetchedTests {

	static final TestJwts signer = TestJwts.withNewKey("key-1");

	static final JwksServer jwks = new JwksServer(signer.jwksJson());

	static {
		jwks.goDown();
	}

	@Autowired
	MockMvcTester mvc;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	@AfterAll
	static void stopJwks() {
		jwks.close();
	}

	@Test
	void aTokenWhileAuthServiceWasNeverReachedIs503ThenWorksOnceItIs() {
		String token = "Bearer " + signer.token("CONSUMER");
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, token))
			.hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader(HttpHeaders.RETRY_AFTER, "5")
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("https://moa-subscribe.com/problems/service-unavailable");
		assertThat(this.mvc.get().uri("/public/hello")).hasStatusOk();
		jwks.comeBack();
		assertThat(this.mvc.get().uri("/me").header(HttpHeaders.AUTHORIZATION, token)).hasStatusOk();
	}

}
