package com.moa.gateway.routing;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * API.md deletes a history entry as {@code DELETE /api/search/history/{keyword}}, the
 * keyword one URL-encoded path segment. A keyword with {@code / % ; \} ("50% 할인",
 * "AC/DC"), or one that is {@code .} or {@code ..}, cannot travel as a path: the
 * {@link InternalPathGuard} refuses such paths, as Tomcat and Spring Security's firewall
 * in search-service do. Before the guard, this filter moves the segment into the query
 * form search-service serves for every keyword ({@code ?keyword=}), so the documented
 * call works for any keyword and no path decision ever sees the encoded bytes: the path
 * becomes the fixed {@code /api/search/history}.
 */
@Component
class HistoryKeywordRewrite implements WebFilter, Ordered {

	static final String PREFIX = "/api/search/history/";

	/** After the untrusted-header stripper (+10), before the guard (+20). */
	@Override
	public int getOrder() {
		return InternalPathGuard.ORDER - 5;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		URI rewritten = (request.getMethod() == HttpMethod.DELETE) ? rewrite(request.getURI()) : null;
		if (rewritten == null) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().request((builder) -> builder.uri(rewritten)).build());
	}

	/** The query form of a one-segment delete, or null for any other path. */
	static URI rewrite(URI uri) {
		String rawPath = uri.getRawPath();
		if (rawPath == null || !rawPath.startsWith(PREFIX)) {
			return null;
		}
		String segment = rawPath.substring(PREFIX.length());
		if (segment.isEmpty() || segment.contains("/")) {
			return null;
		}
		// The segment's bytes as they came (java.net.URI has refused malformed escapes),
		// not decoded and encoded again, which would turn invalid UTF-8 into U+FFFD: only
		// what a query reads differently from a path is escaped.
		String value = segment.replace("&", "%26").replace("=", "%3D").replace("+", "%2B");
		try {
			return UriComponentsBuilder.fromUri(uri)
				.replacePath("/api/search/history")
				.replaceQuery("keyword=" + value)
				.build(true)
				.toUri();
		}
		catch (IllegalArgumentException ex) {
			return null; // raw non-ASCII: left to the guard, as before
		}
	}

}
