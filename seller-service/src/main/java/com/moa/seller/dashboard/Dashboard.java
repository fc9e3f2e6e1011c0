package com.moa.seller.dashboard;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/seller/dashboard} (API.md). Money is integer minor units (KRW).
 */
record Dashboard(Totals totals, List<ProductFigures> products) {

	/**
	 * Totals over the products listed: a deleted one is listed while it has figures (its
	 * subscriptions run to their period end), counted in every total but products.
	 */
	static Dashboard of(List<ProductFigures> products) {
		Totals totals = new Totals(products.stream().filter((product) -> !"DELETED".equals(product.status())).count(),
				products.stream().mapToLong(ProductFigures::activeSubscribers).sum(),
				products.stream().mapToLong(ProductFigures::monthlyRecurringRevenue).sum(),
				products.stream().mapToLong(ProductFigures::views).sum());
		return new Dashboard(totals, products);
	}

	record Totals(long products, long activeSubscribers, long monthlyRecurringRevenue, long views) {
	}

	record ProductFigures(UUID productId, String title, String status, long activeSubscribers,
			long monthlyRecurringRevenue, long views, long canceledLast30d, long revenueLast30d) {
	}

	/** One day of the chart ({@code GET /api/seller/dashboard/daily}). */
	record Day(LocalDate date, long newSubscriptions, long cancellations, long revenue) {
	}

}
