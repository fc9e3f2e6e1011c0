package com.moa.lookup.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import com.moa.lookup.LookupProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Cache-aside in Redis for catalog responses, as JSON (or a codec's text form).
 *
 * <p>
 * Every entry key embeds the current <em>generation</em>, and {@link #invalidateAll()}
 * increments it. A reader reads the generation and the entry in one script, before it
 * queries PostgreSQL, so a response loaded from data that a product change has just
 * replaced is stored under the old generation, where no one looks again. Old entries
 * simply expire.
 *
 * <p>
 * Concurrent misses on one key in this instance share one load (single flight): the first
 * caller queries PostgreSQL, the others wait for its result. Each instance loads at most
 * once per key and generation.
 *
 * <p>
 * When Redis fails the cache is bypassed, though concurrent misses still share one load.
 * An invalidation that could not be written is remembered and the cache stays bypassed
 * here until {@link #retryOwedInvalidation()} has written it.
 *
 * <p>
 * Each instance also keeps what it has just read or stored for {@code local-ttl} (500
 * ms), decoded, and serves it from memory meanwhile: a hot listing then costs one Redis
 * round trip (its live view counts) instead of two, and no decoding (issue 12). An
 * invalidation here drops these copies at once; one consumed by another instance reaches
 * them within {@code local-ttl}, which keeps a seller's change inside API.md's 2 s.
 */
@Component
public class ResponseCache {

	static final String GENERATION_KEY = "lookup:cache:generation";

	static final String ENTRY_PREFIX = "lookup:cache:";

	// Redis scripts see only the keys they are given, so the entry key is built here from
	// the generation it has just read. Entries are read and written as bytes: a listing
	// hit is then copied to the response without decoding and encoding its text.
	private static final RedisScript<List> READ = RedisScript.of("""
			local generation = redis.call('GET', KEYS[1]) or '0'
			return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
			""", List.class);

	private final StringRedisTemplate redis;

	private final RedisAvailability availability;

	// Its own, not Boot's: entries are this service's output, not client input, and the
	// input rules Boot's mapper applies to request bodies (no line break in single-line
	// text) made every product whose description or terms had one a miss, every time.
	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final LookupProperties.Cache properties;

	private final ConcurrentMap<String, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();

	// Invalidations asked for and written: the cache is trusted only while they match.
	private final AtomicLong invalidationsRequested = new AtomicLong();

	private final AtomicLong invalidationsWritten = new AtomicLong();

	private final AtomicBoolean invalidationWanted = new AtomicBoolean();

	// Null when local-ttl is 0. Values are the decoded responses, weighed by entry bytes.
	private final Cache<String, Local> local;

	// Bumped when the local copies are dropped: a reader that read Redis before then must
	// not store what it read (it may predate the invalidation).
	private final AtomicLong localEpoch = new AtomicLong();

	private final Counter localHits;

	private final Counter hits;

	private final Counter misses;

	private final Counter bypasses;

	ResponseCache(CacheRedis redis, LookupProperties properties, MeterRegistry meters) {
		this.redis = redis.template();
		this.availability = redis.availability();
		this.properties = properties.cache();
		this.local = localCache(this.properties);
		this.localHits = requests(meters, "local-hit");
		this.hits = requests(meters, "hit");
		this.misses = requests(meters, "miss");
		this.bypasses = requests(meters, "bypass");
	}

	private static Cache<String, Local> localCache(LookupProperties.Cache properties) {
		if (properties.localTtl().isZero() || properties.localTtl().isNegative()) {
			return null;
		}
		return Caffeine.newBuilder()
			.expireAfterWrite(properties.localTtl())
			.maximumWeight(properties.localMaxSize().toBytes())
			.weigher((String key, Local entry) -> entry.bytes())
			.build();
	}

	private static Counter requests(MeterRegistry meters, String result) {
		return Counter.builder("lookup.cache.requests")
			.description("Catalog response cache lookups")
			.tag("result", result)
			.register(meters);
	}

	/**
	 * The cached response for the key, or the loader's, which is then cached for the
	 * default time to live.
	 */
	public <T> T get(String key, TypeReference<T> type, Supplier<T> loader) {
		return get(key, this.properties.ttl(), type, loader);
	}

	/**
	 * The cached response for the key, or the loader's, which is then cached for
	 * {@code ttl} as JSON. The loader's exceptions reach every caller waiting for it.
	 */
	public <T> T get(String key, Duration ttl, TypeReference<T> type, Supplier<T> loader) {
		return get(key, ttl, new Codec<>() {
			@Override
			public T decode(byte[] entry) {
				return ResponseCache.this.jsonMapper.readValue(entry, type);
			}

			@Override
			public byte[] encode(T value) {
				return ResponseCache.this.jsonMapper.writeValueAsBytes(value);
			}
		}, loader);
	}

	/**
	 * The cached response for the key, or the loader's, which is then cached for
	 * {@code ttl} in the codec's form. The loader's exceptions reach every caller waiting
	 * for it.
	 */
	@SuppressWarnings("unchecked") // a key is only ever read with one codec
	public <T> T get(String key, Duration ttl, Codec<T> codec, Supplier<T> loader) {
		if (!this.properties.enabled()) {
			return loader.get();
		}
		boolean trusted = !invalidationOwed();
		if (trusted && this.local != null) {
			Local copy = this.local.getIfPresent(key);
			if (copy != null) {
				this.localHits.increment();
				return (T) copy.value();
			}
		}
		long epoch = this.localEpoch.get();
		List<byte[]> read = !trusted ? null
				: this.availability.call(() -> this.redis.execute(READ, RedisSerializer.string(),
						(RedisSerializer) RedisSerializer.byteArray(), List.of(GENERATION_KEY), ENTRY_PREFIX, key),
						() -> null);
		if (read == null) {
			// Redis is not trusted or not there: PostgreSQL takes every request now, so
			// concurrent misses still share one load, which is not stored.
			this.bypasses.increment();
			return loadOnce("bypass:" + key, null, codec, loader, null);
		}
		if (read.size() > 1 && read.get(1) != null) {
			try {
				T cached = codec.decode(read.get(1));
				this.hits.increment();
				keepLocally(key, cached, read.get(1).length, epoch, ttl);
				return cached;
			}
			catch (RuntimeException ex) {
				// Another version's response shape, or corrupt: treated as a miss.
			}
		}
		this.misses.increment();
		String generation = new String(read.get(0), StandardCharsets.US_ASCII);
		return loadOnce(ENTRY_PREFIX + generation + ":" + key, ttl, codec, loader,
				(value, bytes) -> keepLocally(key, value, bytes, epoch, ttl));
	}

	/**
	 * Runs the loader unless a load for the same key is in flight, whose result it then
	 * shares; stores the result for {@code ttl} unless that is null, and hands it to
	 * {@code stored} with its size.
	 */
	@SuppressWarnings("unchecked")
	private <T> T loadOnce(String entryKey, Duration ttl, Codec<T> codec, Supplier<T> loader,
			BiConsumer<T, Integer> stored) {
		CompletableFuture<Object> mine = new CompletableFuture<>();
		CompletableFuture<Object> running = this.loading.putIfAbsent(entryKey, mine);
		if (running != null) {
			try {
				return (T) running.join();
			}
			catch (CompletionException ex) {
				if (ex.getCause() instanceof Error error) {
					throw error;
				}
				throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
			}
		}
		try {
			T value = loader.get();
			if (ttl != null) {
				byte[] entry = codec.encode(value);
				byte[] rawKey = entryKey.getBytes(StandardCharsets.UTF_8);
				this.availability.call(
						() -> this.redis.execute((RedisCallback<Boolean>) (connection) -> connection.stringCommands()
							.set(rawKey, entry, Expiration.from(ttl), RedisStringCommands.SetOption.upsert())),
						() -> null);
				if (stored != null) {
					stored.accept(value, entry.length);
				}
			}
			mine.complete(value);
			return value;
		}
		catch (RuntimeException | Error ex) {
			// Waiters must never wait for a load that ended.
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loading.remove(entryKey, mine);
		}
	}

	/**
	 * Makes every cached response stale at once; called after a product change has
	 * committed.
	 */
	public void invalidateAll() {
		this.invalidationsRequested.incrementAndGet();
		retryOwedInvalidation();
		// After the new generation is written: a reader that reads Redis from now on sees
		// it, one that read before finds the epoch moved on and keeps nothing.
		if (this.local != null) {
			this.localEpoch.incrementAndGet();
			this.local.invalidateAll();
		}
	}

	private void keepLocally(String key, Object value, int bytes, long epoch, Duration ttl) {
		if (this.local == null || ttl.compareTo(this.properties.localTtl()) < 0 || this.localEpoch.get() != epoch) {
			return;
		}
		this.local.put(key, new Local(value, bytes));
		if (this.localEpoch.get() != epoch) {
			// Dropped while this was put: it may be older than the invalidation.
			this.local.invalidate(key);
		}
	}

	/**
	 * Asks for an invalidation within {@code moa.lookup.cache.count-refresh} (5 s),
	 * however often it is asked meanwhile: for subscriber counts, which move with every
	 * purchase, cancellation and expiry. Dropping the cache for each would leave entries
	 * living about a second at one purchase a second, on the hottest path.
	 */
	public void invalidateSoon() {
		this.invalidationWanted.set(true);
	}

	@Scheduled(fixedDelayString = "${moa.lookup.cache.count-refresh:PT5S}")
	void invalidateIfWanted() {
		if (this.invalidationWanted.getAndSet(false)) {
			invalidateAll();
		}
	}

	/**
	 * An invalidation asked for but not yet due is written when the instance stops (a
	 * rolling deploy), after its listeners have: the events that asked for it are
	 * acknowledged, so no other instance would see them again.
	 */
	@PreDestroy
	void invalidateIfWantedBeforeStopping() {
		invalidateIfWanted();
	}

	/**
	 * Writes an invalidation that failed earlier (Redis was down); until then this
	 * instance does not trust the cache.
	 */
	@Scheduled(fixedDelay = 1000)
	public void retryOwedInvalidation() {
		long requested = this.invalidationsRequested.get();
		if (this.invalidationsWritten.get() < requested) {
			this.availability.call(() -> {
				this.redis.opsForValue().increment(GENERATION_KEY);
				this.invalidationsWritten.accumulateAndGet(requested, Math::max);
				return null;
			}, () -> null);
		}
	}

	private boolean invalidationOwed() {
		return this.invalidationsWritten.get() < this.invalidationsRequested.get();
	}

	private record Local(Object value, int bytes) {
	}

	/**
	 * How a response is stored. {@link #decode} throws for an entry it cannot use
	 * (another version's shape, corrupt), which is then a miss.
	 */
	public interface Codec<T> {

		T decode(byte[] entry);

		byte[] encode(T value);

	}

}
