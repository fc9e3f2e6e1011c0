package com.moa.gateway.security;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * auth-service's JWK Set for the token decoder, fetched on first use and kept. A token
 * naming a key id the set lacks (key rotation) fetches it again, but at most once per
 * refresh interval and one fetch at a time; until the interval has passed such a token
 * finds no key (401). A set older than its maximum age is fetched again in the
 * background, so a key auth-service withdrew (a leaked one) stops verifying within that
 * age, as in the services; requests meanwhile use the set they have, so a slow
 * auth-service holds none of them, and a failed fetch keeps it. Tokens with made-up key
 * ids are refused before the rate limits run, so without this each of them made the
 * gateway fetch the set from auth-service. Until a first fetch succeeds (auth-service not
 * up yet), fetches are only shared, not spaced.
 * <p>
 * Written here because neither library offers it without blocking: Spring Security's
 * reactive decoder ({@code NimbusReactiveJwtDecoder.withJwkSetUri}) has no cache or rate
 * limit setting and fetches the set for every unknown key id; Nimbus's
 * {@code JWKSourceBuilder.rateLimited} has one, but fetches with a blocking
 * {@code HttpURLConnection} and holds other callers on a lock meanwhile. On Netty's event
 * loop that would stall every connection, and moving every verification off it costs a
 * thread hop per request.
 */
final class JwkSetCache implements Function<SignedJWT, Flux<JWK>> {

	private static final Log logger = LogFactory.getLog(JwkSetCache.class);

	private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

	private final WebClient webClient;

	private final URI uri;

	private final Duration refreshInterval;

	private final Duration maxAge;

	private final Clock clock;

	/** The last set fetched; {@code null} until a fetch succeeds. */
	private volatile JWKSet keys;

	/** When {@link #keys} is due to be fetched again (fetch time + maximum age). */
	private volatile Instant staleAt = Instant.MIN;

	/** The fetch under way, shared by every caller while it runs. Guarded by this. */
	private Mono<JWKSet> fetching;

	/** When the last fetch started. Guarded by this. */
	private Instant lastFetch;

	JwkSetCache(WebClient webClient, URI uri, Duration refreshInterval, Duration maxAge, Clock clock) {
		this.webClient = webClient;
		this.uri = uri;
		this.refreshInterval = refreshInterval;
		this.maxAge = maxAge;
		this.clock = clock;
	}

	@Override
	public Flux<JWK> apply(SignedJWT jwt) {
		JWSHeader header = jwt.getHeader();
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			// An algorithm no key could serve: no key, 401.
			return Flux.empty();
		}
		JWKSelector selector = new JWKSelector(matcher);
		JWKSet known = this.keys;
		if (known != null) {
			if (this.clock.instant().isAfter(this.staleAt)) {
				fetch(known).subscribe();
			}
			List<JWK> found = selector.select(known);
			String kid = header.getKeyID();
			// Only a key id the set lacks can be a newly published key.
			if (!found.isEmpty() || kid == null || known.getKeyByKeyId(kid) != null) {
				return Flux.fromIterable(found);
			}
		}
		return fetch(known).flatMapIterable(selector::select);
	}

	private Mono<JWKSet> fetch(JWKSet known) {
		synchronized (this) {
			JWKSet current = this.keys;
			if (current != known) {
				// Fetched by another caller meanwhile.
				return Mono.just(current);
			}
			if (this.fetching != null) {
				return this.fetching;
			}
			Instant now = this.clock.instant();
			if (known != null && this.lastFetch != null && now.isBefore(this.lastFetch.plus(this.refreshInterval))) {
				return Mono.just(known);
			}
			this.lastFetch = now;
			Mono<JWKSet> fetch = this.webClient.get()
				.uri(this.uri)
				.retrieve()
				.bodyToMono(String.class)
				.timeout(FETCH_TIMEOUT)
				.map(JwkSetCache::parse)
				.doOnNext((set) -> {
					this.staleAt = this.clock.instant().plus(this.maxAge);
					this.keys = set;
				})
				.onErrorResume((ex) -> {
					logger.warn("Could not fetch the JWK Set from " + this.uri + ": " + ex);
					// Keep verifying with the keys we have; without any, the token can't
					// be
					// checked at all.
					return (known != null) ? Mono.just(known) : Mono.error(ex);
				})
				.doFinally((signal) -> finished())
				.cache();
			this.fetching = fetch;
			return fetch;
		}
	}

	private synchronized void finished() {
		this.fetching = null;
	}

	private static JWKSet parse(String body) {
		try {
			return JWKSet.parse(body);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Not a JWK Set: " + ex.getMessage(), ex);
		}
	}

}
