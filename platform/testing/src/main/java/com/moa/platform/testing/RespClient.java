package com.moa.platform.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The few Redis commands test setup needs, spoken over a plain socket so this module does
 * not drag a Redis client into services that use none.
 */
final class RespClient implements Closeable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	RespClient(String host, int port) throws IOException {
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress(host, port), 1000);
		this.socket.setSoTimeout(5000);
		this.in = new BufferedInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
	}

	/** Sends one command and returns its reply as text ({@code null} for a nil reply). */
	String call(String... args) throws IOException {
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
			request.writeBytes(bytes);
			request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
		}
		this.out.write(request.toByteArray());
		this.out.flush();
		return readReply();
	}

	private String readReply() throws IOException {
		String line = readLine();
		char kind = line.charAt(0);
		String rest = line.substring(1);
		return switch (kind) {
			case '+', ':' -> rest;
			case '-' -> throw new IOException("Redis error: " + rest);
			case '$' -> readBulk(Integer.parseInt(rest));
			default -> throw new IOException("Unexpected Redis reply: " + line);
		};
	}

	private String readBulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] data = this.in.readNBytes(length + 2);
		return new String(data, 0, length, StandardCharsets.UTF_8);
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != -1) {
			if (b == '\r') {
				this.in.read();
				break;
			}
			line.write(b);
		}
		if (b == -1 && line.size() == 0) {
			throw new IOException("Redis closed the connection");
		}
		return line.toString(StandardCharsets.UTF_8);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
