package com.moa.gateway.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.moa.gateway.GatewayProperties;
import com.moa.gateway.problem.ProblemResponses;
import io.netty.channel.EventLoop;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Bounds the buffering of request bodies: 408 when a body has not arrived within
 * {@code moa.gateway.upstream.request-body-timeout}, 413 past
 * {@code moa.gateway.upstream.max-request-body} (the services' own limit), neither
 * reaching the route or its service.
 * <p>
 * Spring Cloud Gateway receives the whole body of every request on a route with a
 * circuit-breaker fallback before routing it (AdaptCachedBodyGlobalFilter, so the
 * fallback could replay it), with neither a limit nor a deadline: any client could make
 * the gateway hold a body of any size in memory, or hold a request open for good by never
 * finishing its body. This filter does that buffering first, bounded, and the gateway's
 * own filter then finds the body cached. Requests without a body (every GET, WebSocket
 * upgrades) pass untouched.
 */
@Component
class RequestBodyBuffer implements GlobalFilter, Ordered {

	/**
	 * After RemoveCachedBodyFilter (first: it releases the cached body when the exchange
	 * ends), before AdaptCachedBodyGlobalFilter (which would otherwise buffer it
	 * unbounded).
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 500;

	private final Duration timeout;

	private final long maxBytes;

	private final ProblemResponses problems;

	/** One per event loop (a fixed set), never disposed: it would shut the loop down. */
	private final Map<EventLoop, Scheduler> timers = new ConcurrentHashMap<>();

	RequestBodyBuffer(GatewayProperties properties, ProblemResponses problems) {
		this.timeout = properties.upstream().requestBodyTimeout();
		this.maxBytes = properties.upstream().maxRequestBody().toBytes();
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		long length = headers.getContentLength();
		if (length == 0 || (length < 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING))) {
			return chain.filter(exchange);
		}
		if (length > this.maxBytes) {
			return refuse(exchange, BodyNotReceived.TOO_LARGE);
		}
		Scheduler timer = timerOf(exchange.getRequest());
		ServerWebExchange bounded = exchange.mutate().request(new ServerHttpRequestDecorator(exchange.getRequest()) {
			@Override
			public Flux<DataBuffer> getBody() {
				return bounded(super.getBody(), timer);
			}
		}).build();
		// SCG joins the body into one buffer, hands the chain a request replaying it and
		// releases it when the exchange ends.
		return ServerWebExchangeUtils
			.cacheRequestBody(bounded, (request) -> chain.filter(exchange.mutate().request(request).build()))
			.onErrorResume(BodyNotReceived.class, (ex) -> refuse(exchange, ex));
	}

	/**
	 * The body, failing with {@link BodyNotReceived} past the size limit, at the deadline
	 * (one for the whole body: a client trickling a byte at a time does not renew it) or
	 * when the client goes away.
	 */
	private Flux<DataBuffer> bounded(Flux<DataBuffer> body, Scheduler timer) {
		Mono<Long> deadline = Mono.delay(this.timeout, timer).cache();
		AtomicLong received = new AtomicLong();
		return body.timeout(deadline, (buffer) -> deadline).<DataBuffer>handle((buffer, sink) -> {
			if (received.addAndGet(buffer.readableByteCount()) > this.maxBytes) {
				DataBufferUtils.release(buffer);
				sink.error(BodyNotReceived.TOO_LARGE);
			}
			else {
				sink.next(buffer);
			}
		})
			.onErrorMap((ex) -> !(ex instanceof BodyNotReceived),
					(ex) -> (ex instanceof TimeoutException) ? BodyNotReceived.TIMED_OUT : BodyNotReceived.INCOMPLETE);
	}

	/**
	 * The connection's own event loop, where its body arrives: a deadline firing on
	 * another thread could race a buffer arriving at that instant, which the timeout
	 * would then drop unreleased (a pooled buffer leaked).
	 */
	private Scheduler timerOf(ServerHttpRequest request) {
		return (ServerHttpRequestDecorator.getNativeRequest(request) instanceof Connection connection)
				? this.timers.computeIfAbsent(connection.channel().eventLoop(), Schedulers::fromExecutorService)
				: Schedulers.parallel();
	}

	private Mono<Void> refuse(ServerWebExchange exchange, BodyNotReceived reason) {
		// The rest of the body may still be on its way: the connection is not reused.
		exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		if (reason == BodyNotReceived.TOO_LARGE) {
			return this.problems.write(exchange, HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
					"The request body is larger than " + this.maxBytes + " bytes.");
		}
		if (reason == BodyNotReceived.TIMED_OUT) {
			return this.problems.write(exchange, HttpStatus.REQUEST_TIMEOUT, "request-timeout", "Request Timeout",
					"The request body did not arrive within " + this.timeout.toMillis() + " ms.");
		}
		return this.problems.write(exchange, HttpStatus.BAD_REQUEST, "bad-request", "Bad Request",
				"The request body ended before its end.");
	}

	/** Why a body was not received; shared instances, thrown without a stack trace. */
	static final class BodyNotReceived extends RuntimeException {

		static final BodyNotReceived TOO_LARGE = new BodyNotReceived("too large");

		static final BodyNotReceived TIMED_OUT = new BodyNotReceived("timed out");

		static final BodyNotReceived INCOMPLETE = new BodyNotReceived("incomplete");

		private BodyNotReceived(String reason) {
			super(reason, null, false, false);
		}

	}

}
