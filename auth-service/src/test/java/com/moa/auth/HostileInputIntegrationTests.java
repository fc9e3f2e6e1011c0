package com.moa.auth;

import java.util.List;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every endpoint of auth-service, over real HTTP: no
 * input gets a 5xx, and every refusal is problem JSON.
 */
class HostileInputIntegrationTests extends AuthIntegrationTestSupport {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void answersNulInLoginEmailAndSignupNameWith400NamingTheField() {
		assertThat(login("a\\u0000@x.com", PASSWORD)).hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("email");
		assertThat(
				post("/api/auth/signup",
						"""
								{"email":"%s","password":"%s","name":"a\\u0000b","role":"CONSUMER"}"""
							.formatted(uniqueEmail(), PASSWORD)))
			.hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("name");
	}

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		String email = uniqueEmail();
		signupConsumer(email);
		Tokens tokens = loginTokens(email, PASSWORD);
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key)
			.contains("POST /api/auth/signup", "POST /api/auth/login", "POST /api/auth/refresh",
					"POST /api/auth/logout", "GET /api/auth/me", "PATCH /api/auth/me",
					"GET /api/auth/.well-known/jwks.json");
		HostileInputs kit = HostileInputs.against(this.port)
			.headers(HostileInputs.credentials(tokens.accessToken(), "dev-operator-key"))
			.bodySample("POST /api/auth/login", """
					{"email":"%s","password":"wrong password"}""".formatted(email))
			.bodySample("POST /api/auth/refresh", """
					{"refreshToken":"%s"}""".formatted(tokens.refreshToken()));
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(200);
	}

}
