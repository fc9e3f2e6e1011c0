package com.moa.lookup.product;

import java.util.UUID;

import com.moa.platform.web.NotFoundException;

/**
 * No visible product with that id: unknown, not published, or removed.
 */
class ProductNotFoundException extends NotFoundException {

	ProductNotFoundException(UUID id) {
		super("Product", id);
	}

}
