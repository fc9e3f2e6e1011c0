package com.moa.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's body is received whole before it goes on: a client sending it slowly gets
 * 408 (1 s here) and never reaches the service or its circuit breaker, so it cannot open
 * the breaker for everyone; a body over the services' limit is 413 at the gateway; one at
 * the limit arrives intact.
 */
class RequestBodyIntegrationTests extends AbstractGatewayIntegrationTest {

	private static final int LIMIT = 256 * 1024;

	private final TestBackend backend = TestBackend.get();

	@Test
	void unfinishedBodiesAre408AndNeverReachTheService() throws Exception {
		String marker = "unfinished-" + UUID.randomUUID();
		List<Socket> clients = new ArrayList<>();
		try {
			// Twenty at once, as an attacker would.
			for (int i = 0; i < 20; i++) {
				Socket client = connect();
				send(client, "POST /api/auth/refresh?" + marker + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						+ "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"refreshToken\":\"");
				clients.add(client);
			}
			for (Socket client : clients) {
				String response = readResponse(client);
				assertThat(response).startsWith("HTTP/1.1 408")
					.contains("application/problem+json")
					.contains("https://moa-subscribe.com/problems/request-timeout");
			}
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}

		this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"email\":\"a@example.com\",\"password\":\"secret\"}")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.received((uri) -> uri.contains(marker))).isEmpty();
	}

	@Test
	void aBodyTrickledByteByByteIsCutAtOneDeadlineForTheWholeBody() throws Exception {
		try (Socket client = connect()) {
			send(client,
					"POST /api/seller/products HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
							+ TestBackend.SIGNER.token("SELLER") + "\r\nContent-Type: application/json\r\n"
							+ "Content-Length: 50\r\n\r\n");
			long started = System.nanoTime();
			// A byte every 300 ms for 6 s: a deadline renewed by each byte (a read
			// timeout) would not cut it before the trickle ends.
			AtomicBoolean trickling = new AtomicBoolean(true);
			Thread trickle = new Thread(() -> {
				for (int i = 0; i < 20 && trickling.get(); i++) {
					try {
						Thread.sleep(300);
						send(client, "x");
					}
					catch (IOException | InterruptedException stopped) {
						return;
					}
				}
			});
			trickle.start();
			try {
				assertThat(readResponse(client)).startsWith("HTTP/1.1 408");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(5000));
			}
			finally {
				trickling.set(false);
				trickle.join();
			}
		}
	}

	@Test
	void aBodyOverTheLimitIs413AndOneAtTheLimitArrivesIntact() throws Exception {
		String token = TestBackend.SIGNER.token("SELLER");
		String atLimit = "{\"terms\":\"" + "약".repeat((LIMIT - 12) / 3) + "x".repeat((LIMIT - 12) % 3) + "\"}";
		assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);
		String marker = UUID.randomUUID().toString();

		this.client.put()
			.uri("/api/seller/products/" + marker + "/terms")
			.header("Authorization", bearer(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(atLimit)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.backend.received((uri) -> uri.contains(marker))).singleElement()
			.satisfies((received) -> assertThat(received.body()).isEqualTo(atLimit));

		// Refused on its Content-Length, before a byte of the body is read.
		try (Socket client = connect()) {
			send(client,
					"PUT /api/seller/products/" + marker + "/terms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
							+ "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
							+ "Content-Length: " + (LIMIT + 1) + "\r\n\r\n");
			assertThat(readResponse(client)).startsWith("HTTP/1.1 413")
				.contains("https://moa-subscribe.com/problems/payload-too-large");
		}
		// Chunked, so only counting the bytes can tell.
		try (Socket client = connect()) {
			send(client,
					"PUT /api/seller/products/" + marker + "/terms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
							+ "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
							+ "Transfer-Encoding: chunked\r\n\r\n");
			for (int i = 0; i < 5; i++) {
				try {
					send(client, Integer.toHexString(64 * 1024) + "\r\n" + "x".repeat(64 * 1024) + "\r\n");
				}
				catch (IOException closed) {
					break;
				}
			}
			assertThat(readResponse(client)).startsWith("HTTP/1.1 413");
		}
		assertThat(this.backend.received((uri) -> uri.contains(marker))).hasSize(1);
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	/**
	 * The response's head and as much of its body as arrives before the server closes.
	 */
	private static String readResponse(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		byte[] chunk = new byte[8192];
		int read;
		while ((read = in.read(chunk)) != -1) {
			response.write(chunk, 0, read);
			String text = response.toString(StandardCharsets.UTF_8);
			if (text.contains("\r\n\r\n") && text.endsWith("}")) {
				break;
			}
		}
		return response.toString(StandardCharsets.UTF_8);
	}

}
