package com.moa.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP forwarder on a local port in front of a real server, for outage tests: put it
 * between the application and, say, Redis, then {@link #cut()} it to drop every
 * connection and refuse new ones, and {@link #restore()} it to let the application
 * reconnect. The server itself, shared with other tests, keeps running.
 */
public final class TcpProxy implements AutoCloseable {

	private final InetSocketAddress target;

	private final int port;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile ServerSocket listener;

	private volatile String dropRepliesAfter;

	public TcpProxy(String targetHost, int targetPort) {
		this.target = new InetSocketAddress(targetHost, targetPort);
		this.listener = listenBelowEphemeralPorts();
		this.port = this.listener.getLocalPort();
		accept(this.listener);
	}

	/**
	 * A port outside the kernel's ephemeral range, never one {@code listen(0)} would
	 * give: while the proxy is cut, a client reconnecting to an ephemeral port can be
	 * handed that very port as its own source port and connect to itself (TCP
	 * simultaneous open). It then reads its own commands back as replies, and
	 * {@link #restore()} cannot bind the port again; both happened in CI.
	 */
	private static ServerSocket listenBelowEphemeralPorts() {
		int first = ephemeralPortsStart();
		int lowest = Math.max(1024, Math.min(10_000, first - 1000));
		for (int attempt = 0; attempt < 200; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(lowest, first);
			try {
				return listen(port);
			}
			catch (UncheckedIOException ex) {
				// Taken: try another.
			}
		}
		throw new IllegalStateException("no free port below " + first);
	}

	private static int ephemeralPortsStart() {
		try {
			String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
			int start = Integer.parseInt(range.split("\\s+")[0]);
			return (start >= 2048) ? start : 32768;
		}
		catch (IOException | RuntimeException ex) {
			return 32768; // Linux's default, and below the IANA dynamic range
		}
	}

	/** The local port the application should connect to. */
	public int port() {
		return this.port;
	}

	/**
	 * From now until {@link #cut()}, once a request containing {@code text} passes on a
	 * connection, the server's replies on that connection are dropped: the server has
	 * executed the request, the client never learns it (the text must arrive in one
	 * read).
	 */
	public void dropRepliesAfter(String text) {
		this.dropRepliesAfter = text;
	}

	/** Closes every connection through the proxy and refuses new ones. */
	public synchronized void cut() {
		this.dropRepliesAfter = null;
		closeQuietly(this.listener);
		this.listener = null;
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	/** Accepts connections again, on the same port. */
	public synchronized void restore() {
		if (this.listener == null) {
			this.listener = listen(this.port);
			accept(this.listener);
		}
	}

	@Override
	public void close() {
		cut();
	}

	private static ServerSocket listen(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on port " + port, ex);
		}
	}

	private void accept(ServerSocket listener) {
		daemon("tcp-proxy-accept-" + this.port, () -> {
			while (!listener.isClosed()) {
				try {
					Socket client = listener.accept();
					Socket server = new Socket();
					try {
						server.connect(this.target, 2000);
					}
					catch (IOException ex) {
						closeQuietly(client);
						closeQuietly(server);
						continue;
					}
					if (!register(listener, client, server)) {
						continue;
					}
					AtomicBoolean replyDropped = new AtomicBoolean();
					pump(client, server, false, replyDropped);
					pump(server, client, true, replyDropped);
				}
				catch (IOException ex) {
					// Listener closed by cut().
				}
			}
		});
	}

	/**
	 * Registers an accepted pair unless cut() (or cut() and restore()) came after its
	 * accept returned, in which case it closes the pair: the cut must not miss it.
	 */
	private synchronized boolean register(ServerSocket acceptedBy, Socket client, Socket server) {
		if (this.listener != acceptedBy) {
			closeQuietly(client);
			closeQuietly(server);
			return false;
		}
		this.sockets.add(client);
		this.sockets.add(server);
		return true;
	}

	private void pump(Socket from, Socket to, boolean replies, AtomicBoolean repliesDropped) {
		daemon("tcp-proxy-pump-" + this.port, () -> {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					String dropAfter = this.dropRepliesAfter;
					if (!replies && dropAfter != null
							&& new String(buffer, 0, read, StandardCharsets.ISO_8859_1).contains(dropAfter)) {
						repliesDropped.set(true);
					}
					if (replies && repliesDropped.get()) {
						continue;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// Connection closed on either side.
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		});
	}

	private static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// Already closed.
			}
		}
	}

}
