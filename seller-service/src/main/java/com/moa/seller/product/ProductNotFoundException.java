package com.moa.seller.product;

import java.util.UUID;

import com.moa.platform.web.NotFoundException;

/**
 * Unknown, deleted, or another seller's product (all 404, so ids cannot be probed).
 */
class ProductNotFoundException extends NotFoundException {

	ProductNotFoundException(UUID id) {
		super("Product", id);
	}

}
