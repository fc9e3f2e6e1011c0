package com.moa.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

	private volatile boolean stalled;

	public TcpProxy(String targetHost, int targetPort) {
		this.target = new InetSocketAddress(targetHost, targetPort);
		// Below the ephemeral range: see LocalPorts (while cut, a reconnecting client
		// could
		// otherwise connect to itself, and restore() could not bind the port again).
		this.listener = LocalPorts.listenBelowEphemeralRange();
		this.port = this.listener.getLocalPort();
		accept(this.listener);
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

	/**
	 * From now until {@link #restore()} or {@link #cut()}, nothing passes either way, yet
	 * every connection stays open and new ones are accepted: a server that stopped
	 * answering (hung, or a network that drops packets), which only a timeout detects.
	 */
	public void stall() {
		this.stalled = true;
	}

	/** Closes every connection through the proxy and refuses new ones. */
	public synchronized void cut() {
		this.dropRepliesAfter = null;
		this.stalled = false;
		closeQuietly(this.listener);
		this.listener = null;
		this.sockets.forEach(TcpProxy::closeQuietly);
		this.sockets.clear();
	}

	/**
	 * Accepts connections again, on the same port, and ends a {@link #stall()}. The
	 * kernel may refuse the port for a moment after the cut closed its connections (seen
	 * once in CI as "Address already in use"), so binding is retried for a few seconds.
	 */
	public synchronized void restore() {
		this.stalled = false;
		if (this.listener == null) {
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (this.listener == null) {
				try {
					this.listener = LocalPorts.listen(this.port);
				}
				catch (UncheckedIOException ex) {
					if (System.nanoTime() > deadline) {
						throw ex;
					}
					pause();
				}
			}
			accept(this.listener);
		}
	}

	private static void pause() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		cut();
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
					if (this.stalled || (replies && repliesDropped.get())) {
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
