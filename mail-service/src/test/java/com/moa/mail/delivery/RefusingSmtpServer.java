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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SMTP server that answers {@code RCPT TO} with a 550 for addresses starting
 * with {@code bounce} and a 451 for those starting with {@code later}, and accepts the
 * rest. GreenMail accepts everything, so the permanent/transient distinction needs a
 * server that says no. Written by hand because only these replies are needed.
 */
final class RefusingSmtpServer implements AutoCloseable {

	private final ServerSocket listener;

	private final List<String> accepted = new CopyOnWriteArrayList<>();

	RefusingSmtpServer() throws IOException {
		this.listener = new ServerSocket();
		this.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		Thread thread = new Thread(this::serve, "refusing-smtp");
		thread.setDaemon(true);
		thread.start();
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/** Recipients of the messages this server accepted. */
	List<String> accepted() {
		return this.accepted;
	}

	private void serve() {
		while (!this.listener.isClosed()) {
			try (Socket socket = this.listener.accept()) {
				session(socket);
			}
			catch (IOException ex) {
				// closed, or the client went away: next session
			}
		}
	}

	private void session(Socket socket) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
		PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
		reply(out, "220 refusing-smtp ready");
		String recipient = null;
		String line;
		while ((line = in.readLine()) != null) {
			String command = line.toUpperCase(java.util.Locale.ROOT);
			if (command.startsWith("EHLO") || command.startsWith("HELO")) {
				reply(out, "250 refusing-smtp");
			}
			else if (command.startsWith("MAIL FROM")) {
				recipient = null;
				reply(out, "250 OK");
			}
			else if (command.startsWith("RCPT TO")) {
				String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
				if (address.startsWith("bounce")) {
					reply(out, "550 5.1.1 " + address + ": no such mailbox");
				}
				else if (address.startsWith("later")) {
					reply(out, "451 4.3.0 " + address + ": try again later");
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
				this.accepted.add(recipient);
				reply(out, "250 OK queued");
			}
			else if (command.equals("QUIT")) {
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

	@Override
	public void close() throws IOException {
		this.listener.close();
	}

}
