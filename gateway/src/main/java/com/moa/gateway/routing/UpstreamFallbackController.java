package com.moa.gateway.routing;

import com.moa.gateway.problem.ProblemResponses;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where every route's circuit breaker forwards a failed call: answers 503 (or 504 for a
 * timeout) as problem JSON right away instead of hanging or leaking a stack trace.
 */
@RestController
class UpstreamFallbackController {

	static final String PATH = "/fallback/upstream";

	private final ProblemResponses problems;

	UpstreamFallbackController(ProblemResponses problems) {
		this.problems = problems;
	}

	@RequestMapping(PATH)
	Mono<Void> fallback(ServerWebExchange exchange) {
		if (exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR) == null) {
			// Only reachable as a circuit breaker's forward, never as a client URL.
			return this.problems.write(exchange, HttpStatus.NOT_FOUND, "not-found", "Not Found",
					"No resource at this path.");
		}
		Throwable failure = exchange.getAttribute(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
		return this.problems.writeUpstreamFailure(exchange, failure);
	}

}
