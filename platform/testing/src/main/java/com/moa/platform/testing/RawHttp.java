package com.moa.platform.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given: request targets without
 * normalization or re-encoding, header values with control characters, bodies that are
 * not what {@code Content-Type} claims. Ordinary clients refuse to send such requests,
 * which is what hostile-input and path-traversal tests need to send.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Sends one request on a fresh connection ({@code Connection: close}) and reads the
	 * whole response.
	 * @param port the local port
	 * @param method the method
	 * @param rawTarget the request target exactly as sent
	 * @param headerLines header lines such as {@code "X-Thing: value"}, sent as
	 * ISO-8859-1 bytes (so a {@code \u0001} is the byte 0x01)
	 * @param body the body, or {@code null}; {@code Content-Length} is added for it
	 * @return the response
	 */
	public static Response send(int port, String method, String rawTarget, List<String> headerLines, byte[] body) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(15_000);
			StringBuilder head = new StringBuilder(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
			head.append("Host: 127.0.0.1:").append(port).append("\r\n");
			for (String header : headerLines) {
				head.append(header).append("\r\n");
			}
			if (body != null) {
				head.append("Content-Length: ").append(body.length).append("\r\n");
			}
			head.append("Connection: close\r\n\r\n");
			OutputStream out = socket.getOutputStream();
			try {
				out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
				if (body != null) {
					out.write(body);
				}
				out.flush();
			}
			catch (SocketException ex) {
				// The server may answer (413, 400) and close before a large body is sent:
				// its answer is still there to read.
			}
			return Response.parse(readAll(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + abbreviate(rawTarget) + ": " + ex.getMessage(), ex);
		}
	}

	/** Shorthand for a request without a body. */
	public static Response send(int port, String method, String rawTarget, String... headerLines) {
		return send(port, method, rawTarget, List.of(headerLines), null);
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		byte[] chunk = new byte[8192];
		try {
			int read;
			while ((read = in.read(chunk)) != -1) {
				buffer.write(chunk, 0, read);
			}
		}
		catch (SocketException ex) {
			// Reset after the response was written (the server closed with unread input).
			if (buffer.size() == 0) {
				throw ex;
			}
		}
		return buffer.toByteArray();
	}

	static String abbreviate(String text) {
		return (text.length() <= 120) ? text : text.substring(0, 120) + "…(" + text.length() + " chars)";
	}

	/**
	 * A response: status, headers (names lower-cased, repeated ones joined by a comma)
	 * and the raw text after the header block (chunk framing included, if any).
	 */
	public record Response(int status, Map<String, String> headers, String text) {

		static Response parse(byte[] bytes) {
			String all = new String(bytes, StandardCharsets.UTF_8);
			if (!all.startsWith("HTTP/1.")) {
				throw new IllegalStateException("not an HTTP response: " + abbreviate(all));
			}
			int end = all.indexOf("\r\n\r\n");
			String head = (end >= 0) ? all.substring(0, end) : all;
			String[] lines = head.split("\r\n");
			int status = Integer.parseInt(lines[0].substring(9, 12));
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
							lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
				}
			}
			return new Response(status, headers, (end >= 0) ? all.substring(end + 4) : "");
		}

		public String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		public boolean isProblem() {
			String type = header("content-type");
			return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/problem+json");
		}

	}

}
