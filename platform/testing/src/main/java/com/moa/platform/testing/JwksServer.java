package com.moa.platform.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a random local port serving a JWK Set, standing in for
 * auth-service's {@code /.well-known/jwks.json}; the served keys can be swapped to test
 * rotation.
 */
public final class JwksServer implements AutoCloseable {

	private final HttpServer server;

	private final AtomicReference<String> jwks;

	private final AtomicInteger fetches = new AtomicInteger();

	private volatile boolean down;

	public JwksServer(String jwks) {
		this.jwks = new AtomicReference<>(jwks);
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.createContext("/jwks.json", (exchange) -> {
			this.fetches.incrementAndGet();
			if (this.down) {
				exchange.sendResponseHeaders(503, -1);
				exchange.close();
				return;
			}
			byte[] body = this.jwks.get().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.start();
	}

	public String uri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks.json";
	}

	public void serve(String jwks) {
		this.jwks.set(jwks);
	}

	/** Answers 503 from now on, as auth-service does while it is down. */
	public void goDown() {
		this.down = true;
	}

	public void comeBack() {
		this.down = false;
	}

	/** How many times the key set was fetched (or asked for while down). */
	public int fetches() {
		return this.fetches.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
