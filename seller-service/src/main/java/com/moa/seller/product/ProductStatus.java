package com.moa.seller.product;

/**
 * A product's lifecycle: created as DRAFT, visible in the catalog only while PUBLISHED,
 * DELETED is a soft delete that hides it from its seller too.
 */
public enum ProductStatus {

	DRAFT, PUBLISHED, UNPUBLISHED, DELETED

}
