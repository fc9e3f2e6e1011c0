package com.moa.platform.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Local ports for tests, never from the kernel's ephemeral range: a port {@code bind(0)}
 * gives can be handed to an outgoing connection as its source port, which then collides
 * with a server started on it later or, when nothing listens there, connects to itself
 * (TCP simultaneous open) and reads its own requests back as replies. Both happened in
 * CI.
 */
public final class LocalPorts {

	private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

	private static final List<Closeable> HELD = new CopyOnWriteArrayList<>();

	private LocalPorts() {
	}

	/**
	 * A loopback port where nothing listens, for the life of the JVM: connections to it
	 * are refused at once. It is held by a socket bound but never listening, so no server
	 * started later can take it and no outgoing connection is given it.
	 */
	public static int closed() {
		try {
			SocketChannel holder = SocketChannel.open();
			holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			HELD.add(holder);
			return ((InetSocketAddress) holder.getLocalAddress()).getPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A loopback port where connections are never accepted, for the life of the JVM: a
	 * connect waits out the client's connect timeout, as for a host that drops packets (a
	 * cut {@link TcpProxy} refuses at once; a stalled one accepts). The listener's
	 * backlog is filled and nothing accepts, so the kernel drops every further SYN.
	 */
	public static int unanswered() {
		try {
			ServerSocket listener = new ServerSocket();
			listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
			HELD.add(listener);
			while (true) {
				Socket filler = new Socket();
				try {
					filler.connect(listener.getLocalSocketAddress(), 300);
					HELD.add(filler);
				}
				catch (SocketTimeoutException ex) {
					filler.close();
					return listener.getLocalPort();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A loopback port free now, below the ephemeral range, for a server started later;
	 * never one handed out before in this JVM: servers started side by side bind seconds
	 * later, and two of them were once given the same port (the second failed to start).
	 */
	public static int free() {
		while (true) {
			try (ServerSocket socket = listenBelowEphemeralRange()) {
				if (HANDED_OUT.add(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/** A socket listening on a loopback port below the ephemeral range. */
	public static ServerSocket listenBelowEphemeralRange() {
		int first = ephemeralRangeStart();
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

	/**
	 * Listens on the loopback port again, as after {@link #listenBelowEphemeralRange}.
	 */
	static ServerSocket listen(int port) {
		ServerSocket socket = null;
		try {
			socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return socket;
		}
		catch (IOException ex) {
			if (socket != null) {
				try {
					socket.close();
				}
				catch (IOException closing) {
					ex.addSuppressed(closing);
				}
			}
			throw new UncheckedIOException("Could not listen on port " + port, ex);
		}
	}

	private static int ephemeralRangeStart() {
		try {
			String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
			int start = Integer.parseInt(range.split("\\s+")[0]);
			return (start >= 2048) ? start : 32768;
		}
		catch (IOException | RuntimeException ex) {
			return 32768; // Linux's default, and below the IANA dynamic range
		}
	}

}
