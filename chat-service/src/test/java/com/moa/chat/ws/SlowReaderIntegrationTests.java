package com.moa.chat.ws;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.moa.chat.ChatIntegrationTestSupport;
import com.moa.chat.StompConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that stop reading (TCP open, heart-beats still sent) while pushes pile up for
 * them: each is closed within about the send time limit, and meanwhile pushes to a client
 * that reads still arrive at once. Before, each such connection held one of the few
 * threads writing to clients in a blocked write for 20 s at a time, so a handful stalled
 * pushes to everyone on the instance.
 */
class SlowReaderIntegrationTests extends ChatIntegrationTestSupport {

	private static final int SLOW_READERS = 5;

	/** Enough to fill the socket buffers of both sides many times over. */
	private static final int PUSHES = 1500;

	private static final String PAYLOAD = "{\"text\":\"" + "가".repeat(1300) + "\"}";

	@Autowired
	MeterRegistry meters;

	@Test
	void clientsThatStopReadingAreClosedAndHoldUpNoOneElse() throws Exception {
		UUID reader = UUID.randomUUID();
		List<SlowReader> slow = new ArrayList<>();
		try (StompConnection reading = StompConnection.ready(this.port, token(reader, "CONSUMER"))) {
			double openBefore = websockets();
			for (int i = 0; i < SLOW_READERS; i++) {
				UUID user = UUID.randomUUID();
				slow.add(SlowReader.connect(this.port, user, token(user, "CONSUMER")));
			}
			assertThat(websockets()).isEqualTo(openBefore + SLOW_READERS);
			for (int i = 0; i < PUSHES; i++) {
				for (SlowReader client : slow) {
					push(client.user, "{\"n\":" + i + "," + PAYLOAD.substring(1));
				}
			}
			long pushed = System.nanoTime();
			// Time for the slow connections' writes to block.
			Thread.sleep(3000);

			for (int i = 0; i < 3; i++) {
				long sent = System.nanoTime();
				push(reader, "{\"probe\":" + i + "}");
				StompConnection.Frame frame = reading.awaitFrame((candidate) -> "MESSAGE".equals(candidate.command()),
						Duration.ofSeconds(5));
				Duration took = Duration.ofNanos(System.nanoTime() - sent);
				assertThat(frame.body()).isEqualTo("{\"probe\":" + i + "}");
				assertThat(took).as("push %s to a reading client with %s clients not reading", i, SLOW_READERS)
					.isLessThan(Duration.ofMillis(1500));
				Thread.sleep(1000);
			}

			// The server's gauge drops as it closes them (the clients read nothing).
			await().atMost(Duration.ofSeconds(15).minusNanos(System.nanoTime() - pushed))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(websockets()).as("open WebSocket connections").isEqualTo(openBefore));
			assertThat(reading.isClosed()).as(reading.toString()).isFalse();
		}
		finally {
			for (SlowReader client : slow) {
				client.close();
			}
		}
	}

	private double websockets() {
		return this.meters.get("moa_chat_websockets").gauge().value();
	}

	/** What chat publishes for a user's {@code /user/queue/messages}. */
	private void push(UUID user, String json) {
		this.rabbit.send("amq.topic", StompDestinations.messagesKey(user),
				MessageBuilder.withBody(json.getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
	}

	/**
	 * A STOMP client over a plain socket with a small receive buffer that reads until it
	 * has subscribed, then never again; it keeps sending heart-beats.
	 */
	private static final class SlowReader implements AutoCloseable {

		private final Socket socket;

		private final UUID user;

		private final Thread beats;

		private SlowReader(Socket socket, UUID user) {
			this.socket = socket;
			this.user = user;
			this.beats = new Thread(this::beat, "heart-beats-" + user);
			this.beats.setDaemon(true);
		}

		static SlowReader connect(int port, UUID user, String token) throws IOException {
			Socket socket = new Socket();
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10_000);
			SlowReader client = new SlowReader(socket, user);
			OutputStream out = socket.getOutputStream();
			String key = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 16).getBytes());
			out.write(("GET /ws/chat?access_token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
					+ "\r\nSec-WebSocket-Version: 13\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			String response = client.readUntil("\r\n\r\n");
			assertThat(response).startsWith("HTTP/1.1 101");
			client.sendFrame("CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:10000,10000\n\n\0");
			assertThat(client.readFrame()).startsWith("CONNECTED");
			client.sendFrame("SUBSCRIBE\nid:m\ndestination:/user/queue/messages\nreceipt:r\n\n\0");
			assertThat(client.readFrame()).startsWith("RECEIPT");
			client.beats.start();
			return client;
		}

		/** Reads the HTTP response head. */
		private String readUntil(String end) throws IOException {
			InputStream in = this.socket.getInputStream();
			ByteArrayOutputStream read = new ByteArrayOutputStream();
			while (!read.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
				int next = in.read();
				if (next < 0) {
					throw new IOException("closed after " + read.toString(StandardCharsets.UTF_8));
				}
				read.write(next);
			}
			return read.toString(StandardCharsets.UTF_8);
		}

		/**
		 * The next WebSocket message's text that is not a heart-beat (unmasked, whole).
		 */
		private String readFrame() throws IOException {
			DataInputStream in = new DataInputStream(this.socket.getInputStream());
			while (true) {
				in.readUnsignedByte();
				long length = in.readUnsignedByte() & 0x7f;
				if (length == 126) {
					length = in.readUnsignedShort();
				}
				else if (length == 127) {
					length = in.readLong();
				}
				byte[] payload = new byte[(int) length];
				in.readFully(payload);
				String text = new String(payload, StandardCharsets.UTF_8).replaceFirst("^\\n+", "");
				if (!text.isEmpty()) {
					return text;
				}
			}
		}

		/** One masked text frame (a zero mask, so the payload is as is). */
		private synchronized void sendFrame(String text) throws IOException {
			byte[] payload = text.getBytes(StandardCharsets.UTF_8);
			ByteArrayOutputStream frame = new ByteArrayOutputStream();
			frame.write(0x81);
			if (payload.length < 126) {
				frame.write(0x80 | payload.length);
			}
			else {
				frame.write(0x80 | 126);
				frame.write(payload.length >> 8);
				frame.write(payload.length & 0xff);
			}
			frame.write(new byte[4]);
			frame.write(payload);
			this.socket.getOutputStream().write(frame.toByteArray());
		}

		private void beat() {
			try {
				while (!Thread.currentThread().isInterrupted()) {
					Thread.sleep(2000);
					sendFrame("\n");
				}
			}
			catch (IOException | InterruptedException ex) {
				// closed
			}
		}

		@Override
		public void close() throws IOException {
			this.beats.interrupt();
			this.socket.close();
		}

	}

}
