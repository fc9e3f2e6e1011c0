package com.moa.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain HTTP calls as the apps make them, plus the signup/login every scenario starts
 * with.
 */
final class Api {

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	static final JsonMapper json = JsonMapper.builder().build();

	static final String PASSWORD = "correct horse";

	private Api() {
	}

	static HttpResponse<String> get(ServiceProcess target, String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
			.timeout(Duration.ofSeconds(10));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> post(ServiceProcess target, String path, Object body, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> send(ServiceProcess target, String method, String path, Object body, String token,
			String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))
					: HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Signs a new user of the role up through the gateway and returns its email. */
	static String signup(String role) throws Exception {
		String email = "user." + UUID.randomUUID() + "@example.com";
		HttpResponse<String> response = post(SystemUnderTest.gateway, "/api/auth/signup",
				Map.of("email", email, "password", PASSWORD, "name", "Tester", "role", role), null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return email;
	}

	/** Logs in through the gateway and returns the token response. */
	static JsonNode login(String email, String password) throws Exception {
		HttpResponse<String> response = post(SystemUnderTest.gateway, "/api/auth/login",
				Map.of("email", email, "password", password), null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	/** A new user of the role, logged in: its access token. */
	static String accessToken(String role) throws Exception {
		return login(signup(role), PASSWORD).get("accessToken").asString();
	}

}
