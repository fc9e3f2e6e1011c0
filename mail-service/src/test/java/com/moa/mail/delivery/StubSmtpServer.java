package com.moa.mail.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server for what GreenMail will not do: answer {@code RCPT TO} with a 550
 * for addresses starting with {@code bounce}, a 451 for those starting with {@code later}
 * and a 452 for those starting with {@code full}, greet with a refusal or not at all,
 * refuse our sender, take its time to accept a message, reset the connection on
 * {@code QUIT}, end a session after a number of messages and then refuse the login, or
 * defer every message until told to accept again. Written by hand because only these
 * replies are needed. Sessions run concurrently, one thread each.
 */
final class StubSmtpServer implements AutoCloseable {

	private final ServerSocket listener;

	/** The greeting, or null to close the connection at once. */
	private final String greeting;

	private final Duration acceptDelay;

	private final boolean resetOnQuit;

	/** Messages a session may send before the server closes it (0: no limit). */
	private final int messagesPerSession;

	private final AtomicInteger logins = new AtomicInteger();

	/** Whether every message is deferred (4xx) now. */
	private volatile boolean deferring;

	/** Whether MAIL FROM is refused (5xx): our sender is blocked. */
	private boolean refusingSender;

	private final List<String> accepted = new CopyOnWriteArrayList<>();

	private StubSmtpServer(String greeting, Duration acceptDelay, boolean resetOnQuit) throws IOException {
		this(greeting, acceptDelay, resetOnQuit, 0);
	}

	private StubSmtpServer(String greeting, Duration acceptDelay, boolean resetOnQuit, int messagesPerSession)
			throws IOException {
		this.greeting = greeting;
		this.acceptDelay = acceptDelay;
		this.resetOnQuit = resetOnQuit;
		this.messagesPerSession = messagesPerSession;
		this.listener = new ServerSocket();
		this.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		daemon("stub-smtp", this::serve);
	}

	/**
	 * Refuses {@code bounce*} (550), {@code later*} (451), {@code full*} (452),
	 * {@code relaydenied*} (554 5.7.1), {@code throttled*} (450 4.7.1),
	 * {@code sendercheck*} (450 4.1.8, our sender refused at RCPT TO) and {@code exim*}
	 * (550 without an enhanced code), accepts the rest.
	 */
	static StubSmtpServer refusing() throws IOException {
		return new StubSmtpServer("220 stub-smtp ready", Duration.ZERO, false);
	}

	/** Answers every MAIL FROM with a 550: our sender is blocked. */
	static StubSmtpServer refusingSender() throws IOException {
		StubSmtpServer server = new StubSmtpServer("220 stub-smtp ready", Duration.ZERO, false);
		server.refusingSender = true;
		return server;
	}

	/** Greets with this reply (a 421: busy) and closes. */
	static StubSmtpServer greetingWith(String reply) throws IOException {
		return new StubSmtpServer(reply, Duration.ZERO, false);
	}

	/** Accepts the TCP connection and closes it without a greeting. */
	static StubSmtpServer closingAtOnce() throws IOException {
		return new StubSmtpServer(null, Duration.ZERO, false);
	}

	/** Answers the end of each message's data only after {@code delay}. */
	static StubSmtpServer acceptingSlowly(Duration delay) throws IOException {
		return new StubSmtpServer("220 stub-smtp ready", delay, false);
	}

	/** Accepts every message, then resets the connection when the client says QUIT. */
	static StubSmtpServer resettingOnQuit() throws IOException {
		return new StubSmtpServer("220 stub-smtp ready", Duration.ZERO, true);
	}

	/**
	 * Asks for a login (AUTH PLAIN), accepts {@code messages} per session and answers the
	 * next MAIL FROM with a 421 and a close; every login after the first is refused.
	 */
	static StubSmtpServer endingSessionsThenRefusingLogin(int messages) throws IOException {
		return new StubSmtpServer("220 stub-smtp ready", Duration.ZERO, false, messages);
	}

	/**
	 * Defers every message as a throttling relay does, in turn with a 451 to
	 * {@code MAIL FROM} and a 452 at the end of its data, until {@link #acceptAgain()}.
	 */
	static StubSmtpServer deferringEverything() throws IOException {
		StubSmtpServer server = new StubSmtpServer("220 stub-smtp ready", Duration.ZERO, false);
		server.deferring = true;
		return server;
	}

	/** Ends deferring: from now on messages are accepted. */
	void acceptAgain() {
		this.deferring = false;
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/** Recipients of the messages this server accepted, in order. */
	List<String> accepted() {
		return this.accepted;
	}

	private void serve() {
		while (!this.listener.isClosed()) {
			try {
				Socket socket = this.listener.accept();
				daemon("stub-smtp-session", () -> {
					try (socket) {
						session(socket);
					}
					catch (IOException | InterruptedException ex) {
						// the client went away
					}
				});
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void session(Socket socket) throws IOException, InterruptedException {
		if (this.greeting == null) {
			return;
		}
		BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
		PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
		reply(out, this.greeting);
		if (!this.greeting.startsWith("220")) {
			return;
		}
		String recipient = null;
		int sent = 0;
		int transactions = 0;
		String line;
		while ((line = in.readLine()) != null) {
			String command = line.toUpperCase(Locale.ROOT);
			if (command.startsWith("EHLO") && this.messagesPerSession > 0) {
				reply(out, "250-stub-smtp");
				reply(out, "250 AUTH PLAIN");
			}
			else if (command.startsWith("EHLO") || command.startsWith("HELO")) {
				reply(out, "250 stub-smtp");
			}
			else if (command.startsWith("AUTH PLAIN")) {
				if (command.trim().equals("AUTH PLAIN")) {
					reply(out, "334 ");
					in.readLine();
				}
				if (this.logins.incrementAndGet() > 1) {
					reply(out, "535 5.7.8 authentication failed");
				}
				else {
					reply(out, "235 2.7.0 authenticated");
				}
			}
			else if (command.startsWith("MAIL FROM") && this.messagesPerSession > 0
					&& sent >= this.messagesPerSession) {
				reply(out, "421 4.7.0 too many messages, closing");
				return;
			}
			else if (command.startsWith("MAIL FROM")) {
				recipient = null;
				transactions++;
				if (this.refusingSender) {
					reply(out, "550 5.7.1 sender blocked");
				}
				else if (this.deferring && transactions % 2 == 1) {
					reply(out, "451 4.7.1 too many messages, try again later");
				}
				else {
					reply(out, "250 OK");
				}
			}
			else if (command.startsWith("RCPT TO")) {
				String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
				if (address.startsWith("bounce")) {
					reply(out, "550 5.1.1 " + address + ": no such mailbox");
				}
				else if (address.startsWith("later")) {
					reply(out, "451 4.3.0 " + address + ": try again later");
				}
				else if (address.startsWith("relaydenied")) {
					reply(out, "554 5.7.1 " + address + ": Relay access denied");
				}
				else if (address.startsWith("sendercheck")) {
					reply(out, "450 4.1.8 <no-reply@moa-subscribe.local>: Sender address rejected: Domain not found");
				}
				else if (address.startsWith("exim")) {
					reply(out, "550 relay not permitted");
				}
				else if (address.startsWith("throttled")) {
					reply(out, "450 4.7.1 " + address + ": too many messages, slow down");
				}
				else if (address.startsWith("full")) {
					reply(out, "452 4.2.2 " + address + ": mailbox full, try again later");
				}
				else {
					recipient = address;
					reply(out, "250 OK");
				}
			}
			else if (command.equals("DATA")) {
				reply(out, "354 go ahead");
				while ((line = in.readLine()) != null && !line.equals(".")) {
					// the message
				}
				Thread.sleep(this.acceptDelay.toMillis());
				if (this.deferring) {
					reply(out, "452 4.3.1 sending quota exceeded, try again later");
				}
				else {
					this.accepted.add(recipient);
					sent++;
					reply(out, "250 OK queued");
				}
			}
			else if (command.equals("QUIT")) {
				if (this.resetOnQuit) {
					socket.setSoLinger(true, 0);
					return;
				}
				reply(out, "221 bye");
				return;
			}
			else {
				reply(out, "250 OK");
			}
		}
	}

	private static void reply(PrintWriter out, String line) {
		out.print(line + "\r\n");
		out.flush();
	}

	private static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
	}

}
