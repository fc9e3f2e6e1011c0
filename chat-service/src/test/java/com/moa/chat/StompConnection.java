package com.moa.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bare STOMP 1.2 client over the JDK's WebSocket, so tests can send exactly the frames
 * they mean (hostile ones included) and see every frame and the close that comes back.
 */
public final class StompConnection implements WebSocket.Listener, AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final StringBuilder buffer = new StringBuilder();

	private volatile String closeReason;

	private volatile Throwable error;

	private WebSocket socket;

	/** A received frame. */
	public record Frame(String command, Map<String, String> headers, String body) {

		public String header(String name) {
			return this.headers.get(name);
		}

	}

	/** Opens {@code /ws/chat} with the token as {@code access_token} (null: none). */
	public static StompConnection open(int port, String token) {
		StompConnection connection = new StompConnection();
		String query = (token != null) ? "?access_token=" + token : "";
		connection.socket = HTTP.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/chat" + query), connection)
			.join();
		return connection;
	}

	/** Opens and completes the STOMP CONNECT; fails unless CONNECTED comes back. */
	public static StompConnection connect(int port, String token) {
		StompConnection connection = open(port, token);
		connection.send("CONNECT", Map.of("accept-version", "1.2", "host", "localhost", "heart-beat", "10000,10000"),
				"");
		connection.expect("CONNECTED");
		return connection;
	}

	/** Subscribes and waits for the broker's receipt. */
	public StompConnection subscribe(String id, String destination) {
		send("SUBSCRIBE", Map.of("id", id, "destination", destination, "receipt", "r-" + id), "");
		Frame receipt = expect("RECEIPT");
		if (!("r-" + id).equals(receipt.header("receipt-id"))) {
			throw new AssertionError("unexpected receipt " + receipt);
		}
		return this;
	}

	/** Connected and subscribed to messages, receipts and errors. */
	public static StompConnection ready(int port, String token) {
		return connect(port, token).subscribe("m", "/user/queue/messages")
			.subscribe("r", "/user/queue/receipts")
			.subscribe("e", "/user/queue/errors");
	}

	public void sendMessage(Object roomId, String json) {
		send("SEND", Map.of("destination", "/app/rooms/" + roomId + "/messages", "content-type", "application/json"),
				json);
	}

	public void send(String command, Map<String, String> headers, String body) {
		sendRaw(frame(command, headers, body));
	}

	/** The same frame in one binary WebSocket message (UTF-8), as some clients send. */
	public void sendBinary(String command, Map<String, String> headers, String body) {
		this.socket.sendBinary(ByteBuffer.wrap(frame(command, headers, body).getBytes(StandardCharsets.UTF_8)), true)
			.join();
	}

	public void sendRaw(String text) {
		this.socket.sendText(text, true).join();
	}

	/**
	 * Sends unless the server has closed the connection, even between a check and the
	 * send (the JDK client then fails the send with "Output closed"). Callers assert the
	 * close itself with {@link #awaitClosed}.
	 * @return whether the frame was sent
	 */
	public boolean sendRawUnlessClosed(String text) {
		try {
			sendRaw(text);
			return true;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof IOException) {
				return false;
			}
			throw ex;
		}
	}

	private static String frame(String command, Map<String, String> headers, String body) {
		StringBuilder frame = new StringBuilder(command).append('\n');
		headers.forEach((name, value) -> frame.append(name).append(':').append(value).append('\n'));
		return frame.append('\n').append(body).append('\0').toString();
	}

	/** The next frame (heart-beats skipped), or null after the timeout. */
	public Frame next(Duration timeout) {
		try {
			return this.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The next frame, which must be of the command (fails with what came instead). */
	public Frame expect(String command) {
		Frame frame = next(Duration.ofSeconds(10));
		if (frame == null || !frame.command().equals(command)) {
			throw new AssertionError("expected " + command + " but got " + frame + " (" + this + ")");
		}
		return frame;
	}

	/** Skips frames until one matches. */
	public Frame awaitFrame(Predicate<Frame> matching, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Frame frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (frame != null && matching.test(frame)) {
				return frame;
			}
		}
		throw new AssertionError("no matching frame within " + timeout + " (" + this + ")");
	}

	/** The close status code once the server closed (or null if still open). */
	public Integer awaitClosed(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			return null;
		}
		catch (Exception ex) {
			return -1;
		}
	}

	/** The reason the server gave with its close (null before). */
	public String closeReason() {
		return this.closeReason;
	}

	public boolean isClosed() {
		return this.closed.isDone();
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		try {
			synchronized (this.buffer) {
				this.buffer.append(data);
				int end;
				while ((end = this.buffer.indexOf("\0")) >= 0) {
					String frame = this.buffer.substring(0, end);
					this.buffer.delete(0, end + 1);
					parse(frame);
				}
				// Heart-beats between frames.
				while (this.buffer.length() > 0 && (this.buffer.charAt(0) == '\n' || this.buffer.charAt(0) == '\r')) {
					this.buffer.deleteCharAt(0);
				}
			}
		}
		catch (RuntimeException ex) {
			this.error = ex; // shown by toString(); reading goes on
		}
		finally {
			webSocket.request(1);
		}
		return null;
	}

	private void parse(String raw) {
		String text = raw.replaceFirst("^[\r\n]+", "");
		int bodyStart = text.indexOf("\n\n");
		String head = (bodyStart >= 0) ? text.substring(0, bodyStart) : text;
		String body = (bodyStart >= 0) ? text.substring(bodyStart + 2) : "";
		String[] lines = head.split("\r?\n");
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1).replace("\\c", ":"));
			}
		}
		this.frames.add(new Frame(lines[0], headers, body));
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closeReason = reason;
		this.closed.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.error = error;
		this.closed.complete(-1);
	}

	/** The connection's state, for failure messages. */
	@Override
	public String toString() {
		int buffered;
		synchronized (this.buffer) {
			buffered = this.buffer.length();
		}
		return "connection " + (isClosed() ? "closed " + this.closed.getNow(null) + " " + this.closeReason : "open")
				+ ", " + buffered + " chars of an unfinished frame"
				+ ((this.error != null) ? ", error " + this.error : "");
	}

	@Override
	public void close() {
		if (!this.closed.isDone()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally((ex) -> null);
			this.socket.abort();
		}
	}

}
