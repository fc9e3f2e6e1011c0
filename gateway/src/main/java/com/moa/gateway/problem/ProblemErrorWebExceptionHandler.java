package com.moa.gateway.problem;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import com.moa.gateway.web.RequestIds;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns every exception that reaches the top of the gateway (no route, upstream down or
 * slow, bugs) into a problem response instead of Boot's default error JSON.
 */
@Component
@Order(-2)
class ProblemErrorWebExceptionHandler implements ErrorWebExceptionHandler {

	private static final Log logger = LogFactory.getLog(ProblemErrorWebExceptionHandler.class);

	private final ProblemResponses problems;

	ProblemErrorWebExceptionHandler(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		Problem problem = classify(ex);
		if (problem.status().is5xxServerError() && problem.status() != HttpStatus.SERVICE_UNAVAILABLE
				&& problem.status() != HttpStatus.GATEWAY_TIMEOUT) {
			// Error handlers run outside the request filter's Reactor context.
			RequestIds.withMdc(exchange,
					() -> logger.error("Unhandled error on " + exchange.getRequest().getPath(), ex));
		}
		return this.problems.write(exchange, problem.status(), problem.slug(), problem.title(), problem.detail());
	}

	static Problem classify(Throwable ex) {
		if (isTimeout(ex)) {
			return new Problem(HttpStatus.GATEWAY_TIMEOUT, "upstream-timeout", "Upstream timeout",
					"The service did not answer in time.");
		}
		if (isUnavailable(ex)) {
			return unavailable();
		}
		if (ex instanceof ResponseStatusException rse) {
			HttpStatusCode code = rse.getStatusCode();
			HttpStatus status = HttpStatus.resolve(code.value());
			if (status == HttpStatus.NOT_FOUND) {
				return new Problem(status, "not-found", "Not Found", "No resource at this path.");
			}
			if (status != null && status.is4xxClientError()) {
				return new Problem(status, slug(status), status.getReasonPhrase(),
						(rse.getReason() != null) ? rse.getReason() : status.getReasonPhrase());
			}
			if (status == HttpStatus.SERVICE_UNAVAILABLE || status == HttpStatus.BAD_GATEWAY) {
				return unavailable();
			}
		}
		return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal Server Error",
				"The gateway could not handle the request.");
	}

	static Problem unavailable() {
		return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
				"The service is not available right now; try again later.");
	}

	static boolean isTimeout(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof TimeoutException) {
				return true;
			}
			if (t instanceof ResponseStatusException rse && rse.getStatusCode().value() == 504) {
				return true;
			}
		}
		return false;
	}

	static boolean isUnavailable(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof ConnectException || t instanceof ConnectTimeoutException
					|| t instanceof CallNotPermittedException || t instanceof java.net.UnknownHostException
					|| t instanceof io.netty.channel.ChannelException
					|| t instanceof reactor.netty.http.client.PrematureCloseException) {
				return true;
			}
		}
		return false;
	}

	private static String slug(HttpStatus status) {
		return status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
	}

	record Problem(HttpStatus status, String slug, String title, String detail) {

	}

}
