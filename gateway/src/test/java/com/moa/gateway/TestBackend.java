package com.moa.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TestJwts;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in for every service behind the gateway: one Reactor Netty server that records
 * each request it receives (method, raw URI, headers, body) once its body is read,
 * answers JSON, accepts WebSocket upgrades on {@code /ws/chat}; beside it a
 * {@link JwksServer} publishes the {@link #SIGNER}'s JWK Set like auth-service.
 */
final class TestBackend {

	/** Signs the tests' access tokens; its public key is what the gateway trusts. */
	static final TestJwts SIGNER = TestJwts.withNewKey("test-key-1");

	private static TestBackend instance;

	private final DisposableServer server;

	private final Queue<Received> received = new ConcurrentLinkedQueue<>();

	private final JwksServer jwks = new JwksServer(SIGNER.jwksJson());

	private TestBackend() {
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			Map<String, String> headers = request.requestHeaders()
				.entries()
				.stream()
				.collect(Collectors.toMap((e) -> e.getKey().toLowerCase(), Map.Entry::getValue, (a, b) -> a + "," + b));
			if ("websocket".equalsIgnoreCase(request.requestHeaders().get("Upgrade"))) {
				this.received.add(new Received(request.method().name(), request.uri(), headers, ""));
				// Stay open until the client leaves, like a chat server: closing right
				// after the
				// greeting races the gateway's relay of that frame.
				return response.sendWebsocket(
						(in, out) -> out.sendString(Mono.just("hello from chat")).then().then(in.receive().then()));
			}
			// slow-: beyond the gateway's response timeout; hold-: long enough for
			// concurrent requests to overlap, well within it.
			Mono<Void> delay = request.uri().contains("slow-") ? Mono.delay(Duration.ofSeconds(4)).then()
					: request.uri().contains("hold-") ? Mono.delay(Duration.ofMillis(300)).then() : Mono.empty();
			// Reads the whole body before answering, as a servlet endpoint does.
			return request.receive()
				.aggregate()
				.asString()
				.defaultIfEmpty("")
				.doOnNext((body) -> this.received
					.add(new Received(request.method().name(), request.uri(), headers, body)))
				.then(delay)
				.then(response.header("Content-Type", "application/json")
					.header("X-Request-Id", "backend-should-not-duplicate")
					.sendString(Mono.just("{\"backend\":true,\"uri\":\"" + request.uri() + "\"}"))
					.then());
		}).bindNow();
	}

	static synchronized TestBackend get() {
		if (instance == null) {
			instance = new TestBackend();
		}
		return instance;
	}

	String url() {
		return "http://127.0.0.1:" + this.server.port();
	}

	String jwksUrl() {
		return this.jwks.uri();
	}

	/** The JWK Set the gateway fetches; {@code serve(...)} it anew to rotate keys. */
	JwksServer jwks() {
		return this.jwks;
	}

	/** Requests received so far whose raw URI matches. */
	List<Received> received(Predicate<String> uri) {
		return this.received.stream().filter((r) -> uri.test(r.uri())).toList();
	}

	List<Received> receivedAll() {
		return List.copyOf(this.received);
	}

	record Received(String method, String uri, Map<String, String> headers, String body) {

	}

}
