package com.moa.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request line exactly as written (no client-side path normalization or
 * re-encoding) and returns the raw response, for path-traversal and upgrade tests.
 */
final class RawHttp {

	private RawHttp() {
	}

	static Response send(int port, String method, String rawTarget, String... headerLines) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			StringBuilder request = new StringBuilder(method + " " + rawTarget + " HTTP/1.1\r\n");
			request.append("Host: 127.0.0.1:").append(port).append("\r\n");
			for (String header : headerLines) {
				request.append(header).append("\r\n");
			}
			request.append("Connection: close\r\n\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			byte[] chunk = new byte[4096];
			int read;
			while ((read = in.read(chunk)) != -1) {
				buffer.write(chunk, 0, read);
			}
			String text = buffer.toString(StandardCharsets.UTF_8);
			int status = Integer.parseInt(text.substring(9, 12));
			return new Response(status, text);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Response(int status, String text) {

		boolean isProblem() {
			return this.text.toLowerCase().contains("content-type: application/problem+json");
		}

	}

}
