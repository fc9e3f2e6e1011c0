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
 */
@Component
class InternalPathGuard implements WebFilter, Ordered {

	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private static final Pattern SUSPICIOUS = Pattern.compile("(?i)(%2e|%2f|%5c|%3b|%25|%00|\\\\|;|//)");

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
		return chain.filter(exchange);
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
