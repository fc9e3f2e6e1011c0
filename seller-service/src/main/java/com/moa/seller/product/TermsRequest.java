package com.moa.seller.product;

import java.time.Instant;

import com.moa.platform.web.MultiLineText;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code PUT /api/seller/products/{id}/terms}.
 *
 * @param terms the new terms text
 * @param effectiveAt when the new terms apply; now when absent
 */
record TermsRequest(@VisibleText @Size(max = 20000) @MultiLineText String terms, Instant effectiveAt) {
}
