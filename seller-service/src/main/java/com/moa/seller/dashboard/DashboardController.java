package com.moa.seller.dashboard;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import com.moa.seller.caller.Seller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The seller's dashboard, eventually consistent with payment-service and lookup-service
 * (seconds). "Last 30 days" and the chart's days are UTC.
 */
@RestController
@Validated
class DashboardController {

	private final DashboardRepository dashboard;

	private final Clock clock;

	DashboardController(DashboardRepository dashboard, Clock clock) {
		this.dashboard = dashboard;
		this.clock = clock;
	}

	@GetMapping("/api/seller/dashboard")
	Dashboard dashboard(Seller seller) {
		// The thirty UTC days of the default chart, not the last 720 hours: a seller adds
		// up the chart and compares it with the tile.
		LocalDate firstDay = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC).minusDays(29);
		return Dashboard.of(this.dashboard.products(seller.id(), firstDay.atStartOfDay(ZoneOffset.UTC).toInstant()));
	}

	@GetMapping("/api/seller/dashboard/daily")
	List<Dashboard.Day> daily(Seller seller, @RequestParam(defaultValue = "30") @Min(1) @Max(365) int days) {
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		return this.dashboard.daily(seller.id(), today.minusDays(days - 1), today);
	}

}
