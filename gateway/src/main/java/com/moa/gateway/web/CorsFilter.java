package com.moa.gateway.web;

import com.moa.gateway.problem.ProblemResponses;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Applies CORS before authentication, so preflights (which carry no token) are answered
 * here; a request from an origin that is not allowed gets 403 problem JSON instead of an
 * empty body.
 */
@Component
class CorsFilter implements WebFilter, Ordered {

	private final CorsConfigurationSource source;

	private final CorsProcessor processor = new DefaultCorsProcessor();

	private final ProblemResponses problems;

	CorsFilter(CorsConfigurationSource corsConfigurationSource, ProblemResponses problems) {
		this.source = corsConfigurationSource;
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 30;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!CorsUtils.isCorsRequest(exchange.getRequest())) {
			return chain.filter(exchange);
		}
		boolean valid = this.processor.process(this.source.getCorsConfiguration(exchange), exchange);
		if (!valid) {
			return this.problems.write(exchange, HttpStatus.FORBIDDEN, "cors-rejected", "Forbidden",
					"Cross-origin request from this origin, method or header set is not allowed.");
		}
		if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
			return Mono.empty();
		}
		return chain.filter(exchange);
	}

}
