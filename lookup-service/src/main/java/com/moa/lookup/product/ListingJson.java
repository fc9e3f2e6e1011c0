package com.moa.lookup.product;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.lookup.cache.ResponseCache;
import tools.jackson.databind.json.JsonMapper;

/**
 * A listing response (a page or a feed slice) serialized once, as the UTF-8 JSON clients
 * get, so that a cache hit is a Redis read and a byte copy: the only thing that changes
 * between hits, each product's {@code viewCount}, is written over at
 * {@link #render(Map)}.
 *
 * <p>
 * The counts are found by their key: {@code viewCount":} with the closing quote as it is
 * cannot occur inside a JSON string, where every quote is escaped, so every match is a
 * product's own key, in the order of {@link #ids}. (Bytes of multi-byte UTF-8 characters
 * are never ASCII, so the search works on the bytes.)
 *
 * @param entry the cache entry: {@code <total>\n<id>,<id>…\n<json>}
 * @param jsonStart where the JSON begins in {@code entry}
 * @param ids the listed products, in order
 * @param total the listing's {@code totalElements} ({@code -1} for a feed)
 * @param countStarts where each product's count begins in {@code entry}
 */
record ListingJson(byte[] entry, int jsonStart, List<UUID> ids, long total, int[] countStarts) {

	private static final byte[] COUNT_KEY = "\"viewCount\":".getBytes(StandardCharsets.US_ASCII);

	static final ResponseCache.Codec<ListingJson> CODEC = new ResponseCache.Codec<>() {
		@Override
		public ListingJson decode(byte[] entry) {
			return ListingJson.decode(entry);
		}

		@Override
		public byte[] encode(ListingJson listing) {
			return listing.entry;
		}
	};

	static ListingJson of(Object response, List<ProductSummary> products, long total, JsonMapper jsonMapper) {
		StringBuilder header = new StringBuilder(24 + 37 * products.size()).append(total).append('\n');
		for (int i = 0; i < products.size(); i++) {
			header.append((i > 0) ? "," : "").append(products.get(i).id());
		}
		byte[] head = header.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
		byte[] json = jsonMapper.writeValueAsBytes(response);
		byte[] entry = Arrays.copyOf(head, head.length + json.length);
		System.arraycopy(json, 0, entry, head.length, json.length);
		return decode(entry);
	}

	private static ListingJson decode(byte[] entry) {
		int firstLine = indexOf(entry, (byte) '\n', 0);
		int secondLine = (firstLine < 0) ? -1 : indexOf(entry, (byte) '\n', firstLine + 1);
		if (secondLine < 0) {
			throw new IllegalArgumentException("not a listing entry");
		}
		long total = Long.parseLong(new String(entry, 0, firstLine, StandardCharsets.US_ASCII));
		String ids = new String(entry, firstLine + 1, secondLine - firstLine - 1, StandardCharsets.US_ASCII);
		List<UUID> products = new ArrayList<>();
		for (String id : ids.isEmpty() ? new String[0] : ids.split(",")) {
			products.add(UUID.fromString(id));
		}
		int[] starts = new int[products.size()];
		int found = 0;
		for (int at = indexOfCountKey(entry, secondLine + 1); at >= 0; at = indexOfCountKey(entry, at + 1)) {
			if (found == starts.length) {
				throw new IllegalArgumentException("more counts than products");
			}
			starts[found++] = at + COUNT_KEY.length;
		}
		if (found != starts.length) {
			throw new IllegalArgumentException("fewer counts than products");
		}
		return new ListingJson(entry, secondLine + 1, List.copyOf(products), total, starts);
	}

	/**
	 * The response as UTF-8 JSON, each product showing the greater of its stored count
	 * and its live one (a product missing from {@code liveCounts} keeps the stored
	 * count).
	 */
	byte[] render(Map<UUID, Long> liveCounts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(this.entry.length - this.jsonStart + 8 * this.ids.size());
		int copied = this.jsonStart;
		for (int i = 0; i < this.countStarts.length && !liveCounts.isEmpty(); i++) {
			int start = this.countStarts[i];
			int end = start;
			while (end < this.entry.length && this.entry[end] >= '0' && this.entry[end] <= '9') {
				end++;
			}
			long stored = Long.parseLong(new String(this.entry, start, end - start, StandardCharsets.US_ASCII));
			long live = liveCounts.getOrDefault(this.ids.get(i), 0L);
			if (live > stored) {
				out.write(this.entry, copied, start - copied);
				out.writeBytes(Long.toString(live).getBytes(StandardCharsets.US_ASCII));
				copied = end;
			}
		}
		out.write(this.entry, copied, this.entry.length - copied);
		return out.toByteArray();
	}

	private static int indexOf(byte[] bytes, byte wanted, int from) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	private static int indexOfCountKey(byte[] bytes, int from) {
		outer: for (int i = from; i <= bytes.length - COUNT_KEY.length; i++) {
			for (int j = 0; j < COUNT_KEY.length; j++) {
				if (bytes[i + j] != COUNT_KEY[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
