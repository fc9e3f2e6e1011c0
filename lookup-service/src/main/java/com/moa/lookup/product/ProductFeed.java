package com.moa.lookup.product;

import java.util.List;

/**
 * One slice of the infinite-scroll feed; {@code nextCursor} is null after the last item.
 */
public record ProductFeed(List<ProductSummary> items, String nextCursor) {

}
