package com.moa.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.platform.testing.TestJwts;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.moa.e2e.Api.get;
import static com.moa.e2e.Api.http;
import static com.moa.e2e.Api.json;
import static com.moa.e2e.Api.login;
import static com.moa.e2e.Api.post;
import static com.moa.e2e.Api.signup;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * auth-service and the gateway, started from their packaged jars on real PostgreSQL,
 * Redis and RabbitMQ, driven over HTTP the way the apps are.
 */
class AuthThroughGatewaySystemTests {

	static ServiceProcess auth;

	static ServiceProcess gateway;

	@BeforeAll
	static void startSystem() throws Exception {
		SystemUnderTest.start();
		auth = SystemUnderTest.auth;
		gateway = SystemUnderTest.gateway;
	}

	@Test
	void signupLoginAndMeWorkThroughTheGateway() throws Exception {
		String email = "Mina." + UUID.randomUUID() + "@Example.com";
		HttpResponse<String> signup = post(gateway, "/api/auth/signup",
				Map.of("email", email, "password", "correct horse", "name", "민아", "role", "CONSUMER"), null);
		assertThat(signup.statusCode()).isEqualTo(201);
		JsonNode user = json.readTree(signup.body());
		assertThat(user.get("role").asString()).isEqualTo("CONSUMER");

		JsonNode tokens = login(email, "correct horse");
		assertThat(tokens.get("tokenType").asString()).isEqualTo("Bearer");

		HttpResponse<String> me = get(gateway, "/api/auth/me", tokens.get("accessToken").asString());
		assertThat(me.statusCode()).isEqualTo(200);
		JsonNode profile = json.readTree(me.body());
		assertThat(profile.get("id").asString()).isEqualTo(user.get("id").asString());
		assertThat(profile.get("email").asString()).isEqualToIgnoringCase(email);
		assertThat(profile.get("name").asString()).isEqualTo("민아");
		assertThat(me.headers().firstValue("X-Request-Id")).isPresent();
	}

	@Test
	void refreshRotatesAndReuseRevokesTheFamilyThroughTheGateway() throws Exception {
		JsonNode first = login(signup("SELLER"), "correct horse");
		HttpResponse<String> rotated = post(gateway, "/api/auth/refresh",
				Map.of("refreshToken", first.get("refreshToken").asString()), null);
		assertThat(rotated.statusCode()).isEqualTo(200);
		String newer = json.readTree(rotated.body()).get("refreshToken").asString();

		HttpResponse<String> reuse = post(gateway, "/api/auth/refresh",
				Map.of("refreshToken", first.get("refreshToken").asString()), null);
		assertThat(reuse.statusCode()).isEqualTo(401);
		assertThat(reuse.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(post(gateway, "/api/auth/refresh", Map.of("refreshToken", newer), null).statusCode()).isEqualTo(401);
	}

	@Test
	void missingTokenIs401ProblemAtTheGatewayAndAtTheService() throws Exception {
		for (ServiceProcess target : List.of(gateway, auth)) {
			HttpResponse<String> response = get(target, "/api/auth/me", null);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "alg-none", "hs256-with-public-key", "other-key-same-kid", "tampered-payload" })
	void forgedTokensAreRejectedAtTheGatewayAndAtTheServiceCalledDirectly(String forgery) throws Exception {
		String genuine = login(signup("CONSUMER"), "correct horse").get("accessToken").asString();
		String forged = forge(forgery, genuine);
		assertThat(get(gateway, "/api/auth/me", genuine).statusCode()).isEqualTo(200);
		assertThat(get(gateway, "/api/auth/me", forged).statusCode()).isEqualTo(401);
		assertThat(get(auth, "/api/auth/me", forged).statusCode()).isEqualTo(401);
	}

	@Test
	void clientSentIdentityHeadersDoNotChangeWhoTheCallerIs() throws Exception {
		JsonNode tokens = login(signup("CONSUMER"), "correct horse");
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/auth/me"))
			.header("Authorization", "Bearer " + tokens.get("accessToken").asString())
			.header("X-User-Id", UUID.randomUUID().toString())
			.header("X-User-Role", "ADMIN")
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("role").asString()).isEqualTo("CONSUMER");
	}

	@Test
	void downedRouteAnswers503ProblemWithinThreeSeconds() throws Exception {
		// The second gateway's search route points where nothing listens.
		String token = Api.accessToken("CONSUMER");
		long start = System.nanoTime();
		HttpResponse<String> response = get(SystemUnderTest.otherGateway, "/api/search/history", token);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
		assertThat(took).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void servicesInternalAndActuatorPathsAreNotRouted() throws Exception {
		for (String path : List.of("/api/auth/../actuator/health", "/internal/users", "/api/auth/%2e%2e/internal/x",
				"/actuator/env")) {
			HttpResponse<String> response = get(gateway, path, null);
			assertThat(response.statusCode()).as(path).isIn(400, 401, 403, 404);
			assertThat(response.body()).as(path).doesNotContain("\"groups\"").doesNotContain("propertySources");
		}
	}

	private String forge(String forgery, String genuine) throws Exception {
		SignedJWT parsed = SignedJWT.parse(genuine);
		String kid = parsed.getHeader().getKeyID();
		return switch (forgery) {
			case "alg-none" -> TestJwts.withNewKey(kid).forgedAlgNone("CONSUMER");
			case "other-key-same-kid" -> TestJwts.withNewKey(kid).token("CONSUMER");
			case "tampered-payload" -> {
				String[] parts = genuine.split("\\.");
				String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));
				String raised = payload.replace("\"CONSUMER\"", "\"SELLER\"");
				yield parts[0] + "."
						+ java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raised.getBytes()) + "."
						+ parts[2];
			}
			case "hs256-with-public-key" -> {
				HttpResponse<String> jwks = get(gateway, "/api/auth/.well-known/jwks.json", null);
				RSAKey key = JWKSet.parse(jwks.body()).getKeyByKeyId(kid).toRSAKey();
				SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
						parsed.getJWTClaimsSet());
				hmac.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
				yield hmac.serialize();
			}
			default -> throw new IllegalArgumentException(forgery);
		};
	}

}
