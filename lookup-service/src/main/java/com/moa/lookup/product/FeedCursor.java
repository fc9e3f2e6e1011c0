package com.moa.lookup.product;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Position in the feed: the {@code (published_at, id)} of the last item a client has
 * seen. On the wire it is opaque (URL-safe base64 of {@code <instant>|<uuid>}); clients
 * must not build it.
 */
record FeedCursor(Instant publishedAt, UUID id) {

	private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

	String encode() {
		String raw = this.publishedAt + "|" + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Reads a cursor this service issued.
	 * @throws InvalidParameterException if it is not one
	 */
	static FeedCursor decode(String cursor) {
		try {
			String raw = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
			int separator = raw.indexOf('|');
			if (separator < 0) {
				throw new IllegalArgumentException("no separator");
			}
			Instant publishedAt = Instant.parse(raw.substring(0, separator));
			// Within what PostgreSQL stores (a made-up +1000000000 year failed the query
			// with a 500): years 1 to 9999 cover every cursor this service issues.
			if (publishedAt.isBefore(EARLIEST) || publishedAt.isAfter(LATEST)) {
				throw new IllegalArgumentException("out of range");
			}
			return new FeedCursor(publishedAt, UUID.fromString(raw.substring(separator + 1)));
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			throw new InvalidParameterException("cursor", "malformed cursor");
		}
	}

}
