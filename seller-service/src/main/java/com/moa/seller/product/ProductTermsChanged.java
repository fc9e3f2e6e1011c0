package com.moa.seller.product;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code product.terms-changed}: a product's terms got a new version (mail-service tells
 * its subscribers).
 */
record ProductTermsChanged(UUID productId, String title, int termsVersion, String terms, Instant effectiveAt) {

	static final String TYPE = "product.terms-changed";

}
