package com.moa.gateway.problem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.moa.gateway.web.RequestIds;
import com.moa.platform.security.WarningLimit;
import io.github.resilience4j.ratelimiter.RateLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes {@code application/problem+json} bodies with a stable {@code type} URI.
 */
@Component
public class ProblemResponses {

	/** Prefix of every problem {@code type}. */
	public static final String TYPE_PREFIX = "https://moa-subscribe.com/problems/";

	private static final Log logger = LogFactory.getLog(ProblemResponses.class);

	private final JsonMapper jsonMapper;

	private final Map<String, RateLimiter> upstreamWarnings = new ConcurrentHashMap<>();

	ProblemResponses(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Writes a problem response; does nothing when the response is already committed.
	 * @param exchange the current exchange
	 * @param status the HTTP status
	 * @param slug the last segment of the {@code type} URI, e.g. {@code unauthorized}
	 * @param title a short, stable summary
	 * @param detail what happened in this case
	 * @return completion of the write
	 */
	public Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String title, String detail) {
		return write(exchange, status, slug, title, detail, Map.of());
	}

	private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String title, String detail,
			Map<String, Object> members) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", TYPE_PREFIX + slug);
		body.put("title", title);
		body.put("status", status.value());
		body.put("detail", detail);
		body.putAll(members);
		byte[] bytes = this.jsonMapper.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		response.setStatusCode(status);
		if (status == HttpStatus.SERVICE_UNAVAILABLE
				&& !response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)) {
			// A service down or its breaker open (10 s): clients retry, as for the
			// services' own 503s.
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
		}
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getHeaders().setContentLength(bytes.length);
		DataBuffer buffer = response.bufferFactory().wrap(bytes);
		return response.writeWith(Mono.just(buffer));
	}

	/**
	 * Writes 503 (service down, circuit open) or 504 (service too slow) for a failed call
	 * to a service, naming the route in a {@code route} member, and warns of it with the
	 * request's trace id, at most once per route every 10 s (an outage fails every
	 * request; {@code spring_cloud_gateway_requests_seconds_count} counts them all).
	 * @param exchange the current exchange
	 * @param failure why the call failed, if known
	 * @return completion of the write
	 */
	public Mono<Void> writeUpstreamFailure(ServerWebExchange exchange, Throwable failure) {
		ProblemErrorWebExceptionHandler.Problem problem = (failure != null)
				? ProblemErrorWebExceptionHandler.classify(failure) : ProblemErrorWebExceptionHandler.unavailable();
		if (problem.status() != HttpStatus.GATEWAY_TIMEOUT) {
			problem = ProblemErrorWebExceptionHandler.unavailable();
		}
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		String routeId = (route != null) ? route.getId() : "unknown";
		if (this.upstreamWarnings.computeIfAbsent(routeId, this::warningLimit).acquirePermission()) {
			HttpStatus status = problem.status();
			RequestIds.withMdc(exchange,
					() -> logger.warn("Route " + routeId + " answered " + status.value() + " for "
							+ exchange.getRequest().getMethod() + " " + RequestIds.clientPath(exchange) + ": "
							+ ((failure != null) ? failure : "circuit open")));
		}
		return write(exchange, problem.status(), problem.slug(), problem.title(), problem.detail(),
				Map.of("route", routeId));
	}

	private RateLimiter warningLimit(String routeId) {
		return WarningLimit.oncePer(Duration.ofSeconds(10), "upstream-warnings-" + routeId);
	}

}
