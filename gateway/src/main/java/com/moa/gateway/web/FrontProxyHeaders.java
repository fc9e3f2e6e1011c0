package com.moa.gateway.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import reactor.netty.http.server.ConnectionInfo;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Behind the front proxy (load balancer, ingress, TLS proxy;
 * {@code server.forward-headers-strategy=native}) the client address is taken only from
 * what that proxy writes: the rightmost {@code X-Forwarded-For} entry, the one it set or
 * appended. The scheme comes from its {@code X-Forwarded-Proto}. Everything else a client
 * can send through the proxy is ignored: entries left of that one, {@code Forwarded},
 * {@code X-Forwarded-Host}/{@code -Port}/{@code -Prefix}.
 * <p>
 * Reactor Netty's own handler, which Boot installs for {@code native}, takes the
 * <em>leftmost</em> {@code Forwarded: for=} or {@code X-Forwarded-For} value, the
 * client's choice, as the remote address before any {@code WebFilter} runs; the per-IP
 * rate limits and auth-service's login throttle (fed the {@code X-Forwarded-For} the
 * gateway writes from this address) could then be pointed at any address. Without
 * forwarded headers (no strategy, the default) nothing changes: the address is the TCP
 * peer.
 */
@Component
class FrontProxyHeaders implements NettyServerCustomizer {

	private static final String X_FORWARDED_FOR = "X-Forwarded-For";

	private static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

	private static final Pattern IPV4_WITH_PORT = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}:\\d{1,5}");

	@Override
	public HttpServer apply(HttpServer server) {
		// Boot has already called forwarded(true) if forwarded headers are to be used
		// (native strategy, or a detected cloud platform); customizers run after that.
		return server.configuration().isForwarded() ? server.forwarded(FrontProxyHeaders::fromFrontProxy) : server;
	}

	static ConnectionInfo fromFrontProxy(ConnectionInfo connection, HttpRequest request) {
		ConnectionInfo result = connection;
		InetAddress client = clientAddress(request.headers().getAll(X_FORWARDED_FOR));
		InetSocketAddress peer = connection.getRemoteAddress();
		if (client != null) {
			result = result.withRemoteAddress(new InetSocketAddress(client, (peer != null) ? peer.getPort() : 0));
		}
		String proto = rightmost(request.headers().getAll(X_FORWARDED_PROTO));
		if ("http".equalsIgnoreCase(proto) || "https".equalsIgnoreCase(proto)) {
			result = result.withScheme(proto.toLowerCase(Locale.ROOT));
		}
		return result;
	}

	/**
	 * The address in the last entry of the header's last line, or {@code null} if that is
	 * not an IP literal (a name is never resolved).
	 */
	static InetAddress clientAddress(List<String> headerLines) {
		String entry = rightmost(headerLines);
		if (entry == null) {
			return null;
		}
		if (entry.startsWith("[")) {
			int end = entry.indexOf(']');
			entry = (end > 0) ? entry.substring(1, end) : entry;
		}
		else if (IPV4_WITH_PORT.matcher(entry).matches()) {
			entry = entry.substring(0, entry.indexOf(':'));
		}
		return NetUtil.createInetAddressFromIpAddressString(entry);
	}

	private static String rightmost(List<String> headerLines) {
		if (headerLines.isEmpty()) {
			return null;
		}
		String last = headerLines.get(headerLines.size() - 1);
		String entry = last.substring(last.lastIndexOf(',') + 1).trim();
		return entry.isEmpty() ? null : entry;
	}

}
