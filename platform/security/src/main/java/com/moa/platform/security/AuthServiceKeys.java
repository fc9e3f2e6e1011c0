package com.moa.platform.security;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * auth-service's JWK Set for a service's token decoder, assembled from Nimbus's own
 * sources so that it behaves like the gateway's {@code JwkSetCache}:
 * <ul>
 * <li>the set is kept for {@code maxAge}, then fetched again, so a key auth-service
 * withdrew (a leaked one) stops verifying within that age;</li>
 * <li>a failed fetch keeps the keys we have. Spring's {@code withJwkSetUri} decoder threw
 * instead, so five minutes into an auth-service outage every service refused every token
 * while the gateway still accepted them;</li>
 * <li>a token naming a key id the set lacks (key rotation) fetches it again, but at most
 * twice per {@code refreshInterval}; until then such a token finds no key (401). Spring's
 * decoder fetched the set for each of them, so made-up key ids made every service call
 * auth-service once per request.</li>
 * </ul>
 * Assembled by hand rather than with Nimbus's {@code JWKSourceBuilder} so that a spent
 * rate limit means "no such key" (the builder's source throws, an error rather than a
 * 401), only an unknown key id spends it, and time comes from the application's clock.
 */
final class AuthServiceKeys implements JWKSource<SecurityContext> {

	private static final Log logger = LogFactory.getLog(AuthServiceKeys.class);

	private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

	private static final int READ_TIMEOUT_MILLIS = 5_000;

	private static final int SIZE_LIMIT_BYTES = 64 * 1024;

	/** How long a request waits for another request's fetch before failing. */
	private static final long CACHE_REFRESH_TIMEOUT_MILLIS = CONNECT_TIMEOUT_MILLIS + READ_TIMEOUT_MILLIS + 1_000;

	private final JWKSetSource<SecurityContext> cached;

	private final JWKSetSource<SecurityContext> unknownKeyRefresh;

	private final Clock clock;

	AuthServiceKeys(URI jwkSetUri, Duration maxAge, Duration refreshInterval, Clock clock) {
		JWKSetSource<SecurityContext> remote;
		try {
			remote = new URLBasedJWKSetSource<>(jwkSetUri.toURL(),
					new DefaultResourceRetriever(CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, SIZE_LIMIT_BYTES));
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("moa.security.jwk-set-uri is not a URL: " + jwkSetUri, ex);
		}
		// Keeps the last set fetched for as long as fetches fail.
		JWKSetSource<SecurityContext> outageTolerant = new OutageTolerantJWKSetSource<>(remote, Long.MAX_VALUE,
				(event) -> {
					if (event instanceof OutageTolerantJWKSetSource.OutageEvent<?> outage) {
						logger.warn("Could not fetch the JWK Set from " + jwkSetUri
								+ "; verifying with the keys fetched before: " + outage.getException());
					}
				});
		this.cached = new CachingJWKSetSource<>(outageTolerant, maxAge.toMillis(), CACHE_REFRESH_TIMEOUT_MILLIS, null);
		this.unknownKeyRefresh = new RateLimitedJWKSetSource<>(this.cached, refreshInterval.toMillis(), null);
		this.clock = clock;
	}

	@Override
	public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
		long now = this.clock.millis();
		JWKSet known = this.cached.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
		List<JWK> found = selector.select(known);
		if (!found.isEmpty() || !namesAnUnknownKey(selector, known)) {
			return found;
		}
		try {
			return selector.select(this.unknownKeyRefresh
				.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(known), now, context));
		}
		catch (RateLimitReachedException ex) {
			return List.of();
		}
	}

	/**
	 * Only a key id the set lacks can be a newly published key; a token without one, or
	 * naming a key we have for another algorithm, is not helped by fetching again.
	 */
	private static boolean namesAnUnknownKey(JWKSelector selector, JWKSet known) {
		Set<String> keyIds = selector.getMatcher().getKeyIDs();
		return keyIds != null && !keyIds.isEmpty()
				&& keyIds.stream().allMatch((kid) -> kid != null && known.getKeyByKeyId(kid) == null);
	}

}
