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
			return new FeedCursor(Instant.parse(raw.substring(0, separator)),
					UUID.fromString(raw.substring(separator + 1)));
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			throw new InvalidParameterException("cursor", "malformed cursor");
		}
	}

}
