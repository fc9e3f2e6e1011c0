package com.moa.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in for every service behind the gateway: one Reactor Netty server that records
 * each request it receives (method, raw URI, headers), answers JSON, accepts WebSocket
 * upgrades on {@code /ws/chat}, and serves the test's JWK Set like auth-service.
 */
final class TestBackend {

	static final String JWKS_PATH = "/api/auth/.well-known/jwks.json";

	private static TestBackend instance;

	private final DisposableServer server;

	private final Queue<Received> received = new ConcurrentLinkedQueue<>();

	private final List<JWK> publishedKeys = new CopyOnWriteArrayList<>();

	private final AtomicInteger jwksFetches = new AtomicInteger();

	private TestBackend() {
		this.publishedKeys.add(TestTokens.DEFAULT_KEY.toPublicJWK());
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			if (request.uri().equals(JWKS_PATH)) {
				this.jwksFetches.incrementAndGet();
				return response.header("Content-Type", "application/json")
					.sendString(Mono.just(new JWKSet(this.publishedKeys).toString()));
			}
			Map<String, String> headers = request.requestHeaders()
				.entries()
				.stream()
				.collect(Collectors.toMap((e) -> e.getKey().toLowerCase(), Map.Entry::getValue, (a, b) -> a + "," + b));
			this.received.add(new Received(request.method().name(), request.uri(), headers));
			if ("websocket".equalsIgnoreCase(request.requestHeaders().get("Upgrade"))) {
				return response.sendWebsocket((in, out) -> out.sendString(Mono.just("hello from chat")));
			}
			Mono<Void> delay = request.uri().contains("slow-") ? Mono.delay(Duration.ofSeconds(4)).then()
					: Mono.empty();
			return request.receive()
				.then()
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
		return url() + JWKS_PATH;
	}

	/** Requests received so far whose raw URI matches. */
	List<Received> received(Predicate<String> uri) {
		return this.received.stream().filter((r) -> uri.test(r.uri())).toList();
	}

	List<Received> receivedAll() {
		return List.copyOf(this.received);
	}

	void publish(JWK key) {
		this.publishedKeys.add(key.toPublicJWK());
	}

	int jwksFetches() {
		return this.jwksFetches.get();
	}

	/** A local port nothing listens on. */
	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Received(String method, String uri, Map<String, String> headers) {

	}

}
