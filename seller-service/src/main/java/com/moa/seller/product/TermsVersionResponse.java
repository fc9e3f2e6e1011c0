package com.moa.seller.product;

/**
 * The answer to a terms change.
 */
record TermsVersionResponse(int termsVersion) {
}
