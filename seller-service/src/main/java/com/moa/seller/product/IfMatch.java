package com.moa.seller.product;

/**
 * {@code If-Match} against a product's version, which is its ETag ({@code "3"}).
 */
final class IfMatch {

	private IfMatch() {
	}

	/**
	 * Passes when the header is absent, {@code *}, or lists the current version (weak or
	 * strong); otherwise throws.
	 * @throws VersionMismatchException when the header names other versions only
	 */
	static void check(String ifMatch, long currentVersion) {
		if (ifMatch == null || ifMatch.isBlank()) {
			return;
		}
		String current = Long.toString(currentVersion);
		for (String tag : ifMatch.split(",")) {
			String value = tag.trim();
			if (value.equals("*")) {
				return;
			}
			if (value.startsWith("W/")) {
				value = value.substring(2);
			}
			if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
				value = value.substring(1, value.length() - 1);
			}
			if (value.equals(current)) {
				return;
			}
		}
		throw new VersionMismatchException(ifMatch, currentVersion);
	}

}
