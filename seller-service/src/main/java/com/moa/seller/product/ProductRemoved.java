package com.moa.seller.product;

import java.util.UUID;

/**
 * {@code product.removed}: the product was deleted by its seller.
 */
record ProductRemoved(UUID productId, long version) {

	static final String TYPE = "product.removed";

}
