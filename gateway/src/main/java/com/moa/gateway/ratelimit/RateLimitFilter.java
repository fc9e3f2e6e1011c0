package com.moa.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.moa.gateway.GatewayProperties;
import com.moa.gateway.web.RequestIds;
import com.moa.gateway.problem.ProblemResponses;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.ClientNetworks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Limits API traffic with fixed-window counters in Redis: credential endpoints
 * ({@code POST /api/auth/login|signup}) per client IP, everything else under
 * {@code /api/**} and {@code /ws/**} per user (token {@code sub}) or per client IP when
 * anonymous. Runs after token verification so the user is known.
 * <p>
 * When Redis cannot answer within the configured timeout, credential endpoints fail
 * closed (503, so password guessing is never unthrottled) and the rest of the API fails
 * open (the request passes) so browsing survives a Redis outage. Each such request is
 * counted ({@code moa_gateway_rate_limit_unavailable_total}); a warning is logged at most
 * every 30 s, with the request id of the request it was logged for, and once when Redis
 * answers again: a warning per request put thousands of lines a second in the log of an
 * outage.
 * <p>
 * While Redis fails, one request a second asks it again and the others are decided at
 * once, without waiting out the timeout each. Until Redis has answered once the call is
 * made off the event loop: Lettuce opens its first connection synchronously, under a
 * lock, in the thread that asks, so with Redis unreachable since start (packets dropped)
 * every check held an event loop for the connect timeout and the gateway served ~2
 * requests a second, its own probes included.
 */
@Component
class RateLimitFilter implements WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(RateLimitFilter.class);

	/**
	 * Add ARGV[2] to a window counter, start its expiry on first use, return count and ms
	 * left.
	 */
	@SuppressWarnings("unchecked")
	private static final RedisScript<List<Long>> FIXED_WINDOW = RedisScript.of("""
			local count = redis.call('INCRBY', KEYS[1], ARGV[2])
			local ttl = redis.call('PTTL', KEYS[1])
			if ttl < 0 then
			  redis.call('PEXPIRE', KEYS[1], ARGV[1])
			  ttl = tonumber(ARGV[1])
			end
			return {count, ttl}
			""", (Class<List<Long>>) (Class<?>) List.class);

	private static final String KEY_PREFIX = "moa:gateway:rl:";

	static final String REMAINING_HEADER = "X-RateLimit-Remaining";

	private final ReactiveStringRedisTemplate redis;

	private final GatewayProperties.RateLimit settings;

	private final ProblemResponses problems;

	private static final Duration WARNING_INTERVAL = Duration.ofSeconds(30);

	private final LocalPermits apiPermits;

	private final Clock clock;

	private final Counter failedOpen;

	private final Counter failedClosed;

	/** When the last outage warning was logged; null while Redis answers. */
	private final AtomicReference<Instant> warnedAt = new AtomicReference<>();

	private static final long PROBE_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	private volatile boolean redisFailing;

	/** While Redis fails: the {@link System#nanoTime()} of the next request to ask it. */
	private final AtomicLong nextProbe = new AtomicLong();

	/** Whether Redis has answered since start (its connection is open, or reopening). */
	private volatile boolean redisAnswered;

	RateLimitFilter(ReactiveStringRedisTemplate redis, GatewayProperties properties, ProblemResponses problems,
			ObjectProvider<Clock> clock, MeterRegistry meters) {
		this.redis = redis;
		this.settings = properties.rateLimit();
		this.problems = problems;
		this.apiPermits = new LocalPermits(this.settings.api().window());
		this.clock = clock.getIfAvailable(Clock::systemUTC);
		this.failedOpen = unavailable(meters, "open");
		this.failedClosed = unavailable(meters, "closed");
	}

	/**
	 * Opens the Redis connection as the gateway starts, off the request path, so the
	 * first sign-in does not pay for (or time out on) a cold connect. Redis away: the
	 * requests' probes connect once it answers.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void connect() {
		Mono.fromRunnable(() -> this.redis.getConnectionFactory().getReactiveConnection().close())
			.subscribeOn(Schedulers.boundedElastic())
			.subscribe((ignored) -> {
			}, (ex) -> logger.info("Rate-limit store not reachable at start: " + ex.getMessage()),
					() -> this.redisAnswered = true);
	}

	private static Counter unavailable(MeterRegistry meters, String failed) {
		return Counter.builder("moa.gateway.rate.limit.unavailable")
			.description("Requests whose rate limit Redis could not check: let through (open) or refused (closed)")
			.tag("failed", failed)
			.register(meters);
	}

	@Override
	public int getOrder() {
		// After Spring Security's WebFilterChainProxy (-100).
		return -50;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String path = request.getPath().pathWithinApplication().value();
		// A preflight never gets here (CorsFilter answers it); any other OPTIONS is a
		// request
		// the service answers and counts like one.
		if (!path.startsWith("/api/") && !path.startsWith("/ws/") || CorsUtils.isPreFlightRequest(request)) {
			return chain.filter(exchange);
		}
		if (request.getMethod() == HttpMethod.POST && this.settings.authPaths().contains(path)) {
			String key = "auth:" + clientIp(request);
			return check(exchange, chain, key, this.settings.auth(), true);
		}
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.filter(Authentication::isAuthenticated)
			.map(RateLimitFilter::subject)
			.defaultIfEmpty("ip:" + clientIp(request))
			.flatMap((subject) -> check(exchange, chain, "api:" + subject, this.settings.api(), false));
	}

	/**
	 * Credential endpoints ask Redis for every request (a batch of 1); API requests use a
	 * permit this instance reserved before when it has one ({@link LocalPermits}).
	 */
	private Mono<Void> check(ServerWebExchange exchange, WebFilterChain chain, String subject,
			GatewayProperties.Limit limit, boolean failClosed) {
		int batch = failClosed ? 1 : LocalPermits.batchSize(limit.requests());
		if (batch > 1) {
			long remaining = this.apiPermits.take(subject);
			if (remaining >= 0) {
				exchange.getResponse().getHeaders().set(REMAINING_HEADER, String.valueOf(remaining));
				return chain.filter(exchange);
			}
		}
		if (skipRedis()) {
			return redisUnavailable(exchange, chain, subject, failClosed);
		}
		long windowMillis = limit.window().toMillis();
		Mono<List<Long>> counted = this.redis
			.execute(FIXED_WINDOW, List.of(KEY_PREFIX + subject),
					List.of(String.valueOf(windowMillis), String.valueOf(batch)))
			.next();
		if (!this.redisAnswered) {
			// Detached from this request: its timeout must not cancel the connect, which
			// interrupted it; then no connect that took longer than the timeout (a cold
			// JVM's first) ever completed, and sign-in failed closed for good.
			counted = Mono.fromFuture(counted.subscribeOn(Schedulers.boundedElastic()).toFuture(), true);
		}
		return counted.timeout(this.settings.redisTimeout())
			.map(Decision::from)
			.onErrorResume((ex) -> Mono.just(Decision.UNKNOWN))
			.flatMap((decision) -> {
				if (decision == Decision.UNKNOWN) {
					redisFailed();
					return redisUnavailable(exchange, chain, subject, failClosed);
				}
				this.redisAnswered = true;
				this.redisFailing = false;
				if (this.warnedAt.getAndSet(null) != null) {
					logger.info("Rate-limit store answers again");
				}
				// Of the batch just counted, the ones still within the limit are granted.
				long granted = Math.min(batch, limit.requests() - (decision.count() - batch));
				long remaining = (granted > 0) ? limit.requests() - (decision.count() - batch) - 1 : 0;
				exchange.getResponse().getHeaders().set(REMAINING_HEADER, String.valueOf(remaining));
				if (granted > 0) {
					if (batch > 1) {
						this.apiPermits.keep(subject, granted - 1, remaining, decision.millisLeft());
					}
					return chain.filter(exchange);
				}
				long retryAfter = Math.max(1, (decision.millisLeft() + 999) / 1000);
				exchange.getResponse().getHeaders().set("Retry-After", String.valueOf(retryAfter));
				return this.problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too Many Requests",
						"Request limit of " + limit.requests() + " per " + format(limit.window())
								+ " reached; retry after " + retryAfter + " s.");
			});
	}

	/**
	 * While Redis fails, true for all but one request a second (the one that asks it).
	 */
	private boolean skipRedis() {
		if (!this.redisFailing) {
			return false;
		}
		long probeAt = this.nextProbe.get();
		long now = System.nanoTime();
		return now - probeAt < 0 || !this.nextProbe.compareAndSet(probeAt, now + PROBE_INTERVAL_NANOS);
	}

	private void redisFailed() {
		if (!this.redisFailing) {
			this.nextProbe.set(System.nanoTime() + PROBE_INTERVAL_NANOS);
			this.redisFailing = true;
		}
	}

	private Mono<Void> redisUnavailable(ServerWebExchange exchange, WebFilterChain chain, String subject,
			boolean failClosed) {
		if (failClosed) {
			this.failedClosed.increment();
			warnAtMostEvery30Seconds(exchange, "refusing " + exchange.getRequest().getPath()
					+ " (credential endpoints fail closed, the rest of the API fails open)");
			exchange.getResponse().getHeaders().set("Retry-After", "5");
			return this.problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
					"Service Unavailable", "Sign-in is temporarily unavailable; try again shortly.");
		}
		this.failedOpen.increment();
		warnAtMostEvery30Seconds(exchange, "letting " + exchange.getRequest().getPath()
				+ " through unlimited (the API fails open, credential endpoints fail closed)");
		return chain.filter(exchange);
	}

	private void warnAtMostEvery30Seconds(ServerWebExchange exchange, String what) {
		Instant now = this.clock.instant();
		Instant last = this.warnedAt.get();
		if ((last == null || !now.isBefore(last.plus(WARNING_INTERVAL))) && this.warnedAt.compareAndSet(last, now)) {
			RequestIds.withMdc(exchange, () -> logger.warn("Rate-limit store unreachable; " + what
					+ "; counted in moa_gateway_rate_limit_unavailable_total, next warning in 30 s at the earliest"));
		}
		else if (logger.isDebugEnabled()) {
			RequestIds.withMdc(exchange, () -> logger.debug("Rate-limit store unreachable; " + what));
		}
	}

	private static String subject(Authentication authentication) {
		if (authentication.getPrincipal() instanceof AuthenticatedUser user) {
			return "user:" + user.id();
		}
		return "user:" + authentication.getName();
	}

	private static String clientIp(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		if (remote == null) {
			return "unknown";
		}
		return (remote.getAddress() != null) ? ClientNetworks.of(remote.getAddress()) : remote.getHostString();
	}

	private static String format(Duration window) {
		return (window.toMillis() % 1000 == 0) ? (window.toSeconds() + " s") : (window.toMillis() + " ms");
	}

	/** A counter reading: requests counted in the window and how long it still runs. */
	record Decision(long count, long millisLeft) {

		static final Decision UNKNOWN = new Decision(-1, -1);

		static Decision from(List<Long> result) {
			return new Decision(result.get(0), result.get(1));
		}

	}

}
