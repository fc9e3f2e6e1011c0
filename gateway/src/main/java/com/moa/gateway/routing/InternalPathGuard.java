package com.moa.gateway.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.moa.gateway.problem.ProblemResponses;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Keeps services' {@code /internal/**} and {@code /actuator/**} unreachable, explicitly
 * rather than by the mere absence of a route: a path that a service might normalize into
 * something else (dot segments, encoded dots/slashes/backslashes, matrix parameters,
 * double encoding, empty segments) is refused outright, and so is any routed path with an
 * {@code internal} or {@code actuator} segment. Both answer 404 problem JSON.
 * <p>
 * A path with a percent-encoded unreserved character (a letter, digit, {@code -},
 * {@code _} or {@code ~}, RFC 3986 section 2.3) is refused with 400. Such a path is the
 * same resource as the plain spelling ({@code /api/auth/logi%6e} is
 * {@code /api/auth/login} to the route, to Spring Security and to the services), yet a
 * filter comparing the raw path would take it for another; the rate limits once did, and
 * gave such logins the lax API limit. Refusing the spelling at the edge leaves every path
 * decision in the gateway, today's and future ones, with one spelling to match. No client
 * needs it: URI producers should not encode these characters (RFC 3986 section 2.3), and
 * other encoded bytes (Korean keywords) still pass.
 */
@Component
class InternalPathGuard implements WebFilter, Ordered {

	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private static final Pattern SUSPICIOUS = Pattern.compile("(?i)(%2e|%2f|%5c|%3b|%25|%00|\\\\|;|//)");

	/**
	 * {@code %} and the hex code of ALPHA, DIGIT, "-", "_" or "~" ({@code %2e}, the dot,
	 * is already {@link #SUSPICIOUS}).
	 */
	private static final Pattern ENCODED_UNRESERVED = Pattern
		.compile("(?i)%(3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2d|5f|7e)");

	private static final Set<String> FORBIDDEN_SEGMENTS = Set.of("internal", "actuator");

	private final ProblemResponses problems;

	InternalPathGuard(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String rawPath = exchange.getRequest().getURI().getRawPath();
		if (rawPath == null || isForbidden(rawPath)) {
			return this.problems.write(exchange, HttpStatus.NOT_FOUND, "not-found", "Not Found",
					"No resource at this path.");
		}
		if (hasEncodedUnreserved(rawPath)) {
			return this.problems.write(exchange, HttpStatus.BAD_REQUEST, "bad-request", "Bad Request",
					"Letters, digits and - _ ~ must not be percent-encoded in the path.");
		}
		return chain.filter(exchange);
	}

	static boolean hasEncodedUnreserved(String rawPath) {
		return ENCODED_UNRESERVED.matcher(rawPath).find();
	}

	static boolean isForbidden(String rawPath) {
		if (SUSPICIOUS.matcher(rawPath).find()) {
			return true;
		}
		String path;
		try {
			path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return true;
		}
		String[] segments = path.split("/", -1);
		for (String segment : segments) {
			if (segment.equals(".") || segment.equals("..")) {
				return true;
			}
		}
		// The gateway's own /actuator is served locally; anything routed to a service
		// (/api/**, /ws/**) or a root /internal must never carry these segments.
		String lower = path.toLowerCase(Locale.ROOT);
		if (lower.startsWith("/internal")) {
			return true;
		}
		if (lower.startsWith("/api/") || lower.startsWith("/ws/") || lower.startsWith("/v3/api-docs/")) {
			for (String segment : segments) {
				if (FORBIDDEN_SEGMENTS.contains(segment.toLowerCase(Locale.ROOT).trim())) {
					return true;
				}
			}
		}
		return false;
	}

}
