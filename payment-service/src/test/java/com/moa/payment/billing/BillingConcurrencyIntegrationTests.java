package com.moa.payment.billing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.moa.payment.PaymentIntegrationTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two billing runners on one database, as two payment-service instances run them: each
 * due period is charged exactly once. (Each runner claims with its own connections and
 * transactions, exactly as another process would; the benchmark repeats this with two
 * real processes.)
 */
class BillingConcurrencyIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	BillingClock clock;

	@Autowired
	MeterRegistry meters;

	@Test
	void twoRunnersChargeEachDuePeriodExactlyOnce() throws Exception {
		Product product = product(1000);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			ids.add(subscribed(consumer(), product, product.monthlyPlan));
		}
		this.clock.advance(Duration.ofDays(31));
		double chargesBefore = this.meters.get("moa.payment.renewal.charges").counter().count();
		ExecutorService runners = Executors.newFixedThreadPool(2);
		try {
			List<Future<Integer>> work = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				work.add(runners.submit(() -> {
					int handled = 0;
					int idle = 0;
					while (idle < 3) {
						int round = this.billing.runOnce();
						handled += round;
						idle = (round == 0) ? idle + 1 : 0;
					}
					return handled;
				}));
			}
			int total = 0;
			for (Future<Integer> runner : work) {
				total += runner.get();
			}
			assertThat(total).isGreaterThanOrEqualTo(ids.size());
		}
		finally {
			runners.shutdownNow();
		}
		for (String id : ids) {
			assertThat(charges(id)).as(id).containsExactly("INITIAL SUCCEEDED 1000", "RENEWAL SUCCEEDED 1000");
			assertThat(providerCharges(id)).isEqualTo(2);
		}
		// The dashboard's renewal counter saw them (and any other test's now due).
		assertThat(this.meters.get("moa.payment.renewal.charges").counter().count() - chargesBefore)
			.isGreaterThanOrEqualTo(ids.size());
	}

}
