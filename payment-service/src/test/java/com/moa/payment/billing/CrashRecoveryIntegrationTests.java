package com.moa.payment.billing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.payment.provider.ChargeResult;
import com.moa.payment.provider.PaymentProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The process dies between the provider's successful charge and the commit of its outcome
 * (re-created with a trigger that makes that commit fail): the customer is charged once
 * and not left without the subscription. The reconciler asks the provider about the
 * payment's key, settles it, and the purchase's key answers the subscription. A charge
 * whose settle keeps failing holds back neither the billing batch nor the reconciler, and
 * charges a batch could not give back are given back by the next round.
 */
class CrashRecoveryIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	PaymentProvider provider;

	private static final long CRASHING_PRICE = 77_777;

	@Autowired
	BillingClock clock;

	@AfterEach
	void removeTheCrash() {
		this.jdbc.sql("DROP TRIGGER IF EXISTS crash_after_charge ON payments").update();
		this.jdbc.sql("DROP TRIGGER IF EXISTS slow_hand_over ON payments").update();
		this.jdbc.sql("DROP TRIGGER IF EXISTS refused_give_back ON payments").update();
	}

	/** The commit of a charge's outcome fails for payments matching the condition. */
	private void crashAfterCharging(String condition) {
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION crash_after_charge() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF OLD.status = 'PENDING' AND NEW.status <> 'PENDING' AND %s THEN
				    RAISE EXCEPTION 'simulated crash after the provider charged';
				  END IF;
				  RETURN NEW;
				END $$""".formatted(condition)).update();
		this.jdbc
			.sql("CREATE TRIGGER crash_after_charge BEFORE UPDATE ON payments FOR EACH ROW "
					+ "EXECUTE FUNCTION crash_after_charge()")
			.update();
	}

	/** The subscription a purchase's key recorded (its answer may have been a 500). */
	private String subscriptionOf(String key) {
		return this.jdbc.sql("SELECT subscription_id FROM idempotency_keys WHERE key = ?")
			.param(key)
			.query(UUID.class)
			.single()
			.toString();
	}

	@Test
	void aChargeWhoseOutcomeWasNeverCommittedIsSettledOnceByTheReconciler() throws Exception {
		crashAfterCharging("NEW.amount = " + CRASHING_PRICE);
		Product product = product(CRASHING_PRICE);
		String token = consumer();
		String key = UUID.randomUUID().toString();

		MvcTestResult crashed = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");

		assertThat(crashed.getResponse().getStatus()).isEqualTo(500);
		String id = subscriptionOf(key);
		assertThat(charges(id)).containsExactly("INITIAL PENDING " + CRASHING_PRICE);
		assertThat(providerCharges(id)).as("the provider did charge").isEqualTo(1);

		removeTheCrash();
		Thread.sleep(Duration.ofMillis(1200).toMillis());
		// Outcomes, not counts: the scheduled reconciler may settle it first.
		this.reconciler.reconcile();

		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED " + CRASHING_PRICE);
		assertThat(providerCharges(id)).isEqualTo(1);
		MvcTestResult retried = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");
		assertThat(retried).hasStatus(201).hasHeader("Idempotent-Replayed", "true");
		assertThat(read(retried, "$.id").toString()).isEqualTo(id);
		assertThat(read(retried, "$.status").toString()).isEqualTo("ACTIVE");
		assertThat(this.reconciler.reconcile()).isZero();
		assertThat(providerCharges(id)).isEqualTo(1);
	}

	/**
	 * A charge request that never arrived in time (the thread stalled, the connection
	 * hung) is settled by the reconciler as "nothing charged"; when the request does
	 * reach the provider afterwards, it takes nothing: the key was voided first. Else the
	 * consumer would pay for a FAILED purchase and pay again on retrying it.
	 */
	@Test
	void aChargeArrivingAfterTheReconcilerSettledItAsNothingChargedTakesNothing() throws Exception {
		long price = 77_004;
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION lost_request() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF NEW.amount = %d THEN RAISE EXCEPTION 'simulated request that has not arrived yet'; END IF;
				  RETURN NEW;
				END $$""".formatted(price)).update();
		this.jdbc
			.sql("CREATE TRIGGER lost_request BEFORE INSERT ON sandbox_charges FOR EACH ROW "
					+ "EXECUTE FUNCTION lost_request()")
			.update();
		Product product = product(price);
		String token = consumer();
		String key = UUID.randomUUID().toString();
		try {
			assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok").getResponse().getStatus())
				.isEqualTo(500);
		}
		finally {
			this.jdbc.sql("DROP TRIGGER lost_request ON sandbox_charges").update();
		}
		String id = subscriptionOf(key);
		UUID paymentId = this.jdbc.sql("SELECT id FROM payments WHERE subscription_id = ?")
			.param(UUID.fromString(id))
			.query(UUID.class)
			.single();
		Thread.sleep(Duration.ofMillis(1200).toMillis());
		this.reconciler.reconcile();
		assertThat(charges(id)).containsExactly("INITIAL FAILED " + price);

		// The request arrives now.
		ChargeResult late = this.provider.charge(paymentId, "tok_ok", price, "KRW");

		assertThat(late).isEqualTo(ChargeResult.UNAVAILABLE);
		assertThat(providerCharges(id)).isZero();
		assertThat(this.provider.voidUnlessCharged(paymentId)).isEmpty();
		// Read back as "nothing charged", as another instance's reconciler would.
		assertThat(this.provider.find(paymentId)).contains(ChargeResult.UNAVAILABLE);
		assertThat(this.jdbc.sql("SELECT failure_reason FROM payments WHERE id = ?")
			.param(paymentId)
			.query(String.class)
			.single()).isEqualTo("provider-unavailable");
	}

	/**
	 * A batch that runs out of time gives its unsent charges back; when the database
	 * refuses that (away for a moment), the next round does it, and the renewals are
	 * charged then instead of being settled by the reconciler as "nothing charged" and
	 * put off by an hour.
	 */
	@Test
	void unsentRenewalsWhoseGiveBackFailedAreGivenBackByTheNextRound() {
		Product product = product(77_002);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(subscribed(consumer(), product, product.monthlyPlan));
		}
		// Handing the first renewal over takes longer than a batch may (a quarter of
		// reconcile-after, 1 s here), and the give-back of the rest is refused.
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION slow_then_refused() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF TG_OP = 'DELETE' THEN
				    RAISE EXCEPTION 'simulated database outage';
				  END IF;
				  PERFORM pg_sleep(0.4);
				  RETURN NEW;
				END $$""").update();
		this.jdbc
			.sql("CREATE TRIGGER slow_hand_over BEFORE UPDATE OF requested_at ON payments FOR EACH ROW "
					+ "WHEN (NEW.amount = 77002 AND NEW.kind = 'RENEWAL') EXECUTE FUNCTION slow_then_refused()")
			.update();
		this.jdbc
			.sql("CREATE TRIGGER refused_give_back BEFORE DELETE ON payments FOR EACH ROW "
					+ "WHEN (OLD.amount = 77002) EXECUTE FUNCTION slow_then_refused()")
			.update();
		this.clock.advance(Duration.ofDays(31));

		assertThatNoException().isThrownBy(this.billing::runOnce);
		assertThat(ids.stream().flatMap((id) -> charges(id).stream())).contains("RENEWAL PENDING 77002");

		removeTheCrash();
		this.billing.runUntilIdle();
		for (String id : ids) {
			assertThat(charges(id)).as(id).containsExactly("INITIAL SUCCEEDED 77002", "RENEWAL SUCCEEDED 77002");
			assertThat(providerCharges(id)).isEqualTo(2);
		}
	}

	@Test
	void aRenewalWhoseSettleFailsDoesNotHoldBackTheRestOfTheBatch() throws Exception {
		Product product = product(77_001);
		String failing = subscribed(consumer(), product, product.monthlyPlan);
		String next = subscribed(consumer(), product, product.monthlyPlan);
		crashAfterCharging("NEW.subscription_id = '" + failing + "' AND NEW.kind = 'RENEWAL'");

		advance("P31D");

		assertThat(charges(next)).containsExactly("INITIAL SUCCEEDED 77001", "RENEWAL SUCCEEDED 77001");
		assertThat(charges(failing)).containsExactly("INITIAL SUCCEEDED 77001", "RENEWAL PENDING 77001");
		removeTheCrash();
		Thread.sleep(Duration.ofMillis(1200).toMillis());
		this.reconciler.reconcile();
		assertThat(charges(failing)).containsExactly("INITIAL SUCCEEDED 77001", "RENEWAL SUCCEEDED 77001");
		assertThat(providerCharges(failing)).isEqualTo(2);
	}

	@Test
	void aChargeThatKeepsFailingToSettleDoesNotHoldBackTheReconciler() throws Exception {
		crashAfterCharging("NEW.amount IN (77002, 77003)");
		Product stuckProduct = product(77_002);
		Product otherProduct = product(77_003);
		String token = consumer();
		String stuckKey = UUID.randomUUID().toString();
		String otherKey = UUID.randomUUID().toString();
		assertThat(subscribe(token, stuckKey, stuckProduct.id, stuckProduct.monthlyPlan, "tok_ok").getResponse()
			.getStatus()).isEqualTo(500);
		assertThat(subscribe(token, otherKey, otherProduct.id, otherProduct.monthlyPlan, "tok_ok").getResponse()
			.getStatus()).isEqualTo(500);
		String stuck = subscriptionOf(stuckKey);
		String other = subscriptionOf(otherKey);
		// The oldest stale charge still cannot be settled; the younger one can.
		removeTheCrash();
		crashAfterCharging("NEW.amount = 77002");
		Thread.sleep(Duration.ofMillis(1200).toMillis());

		// Outcomes, not counts: the scheduled reconciler's first run may take part.
		this.reconciler.reconcile();

		assertThat(charges(other)).containsExactly("INITIAL SUCCEEDED 77003");
		assertThat(charges(stuck)).containsExactly("INITIAL PENDING 77002");
		removeTheCrash();
		this.reconciler.reconcile();
		assertThat(charges(stuck)).containsExactly("INITIAL SUCCEEDED 77002");
	}

	@Test
	void anUpgradeSettledByTheReconcilerGetsThePlanAsPricedWhenItWasCharged() throws Exception {
		Product product = product(10000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		advance("P10D");
		crashAfterCharging("NEW.subscription_id = '" + id + "' AND NEW.kind = 'PRORATION'");

		MvcTestResult crashed = post("/api/subscriptions/" + id + "/change-plan",
				"{\"planId\":\"" + product.premiumPlan + "\"}", token);

		assertThat(crashed.getResponse().getStatus()).isEqualTo(500);
		removeTheCrash();
		// Before the reconciler settles the upgrade, the seller raises the premium plan
		// from 20,000 to 30,000: the consumer paid the prorated difference to 20,000.
		product.monthlyPrice = 15000;
		publish(product.next());
		Thread.sleep(Duration.ofMillis(1200).toMillis());
		// Outcomes, not counts: the scheduled reconciler may settle it first.
		this.reconciler.reconcile();

		MvcTestResult upgraded = get("/api/subscriptions/" + id, token);
		assertThat(read(upgraded, "$.planId").toString()).isEqualTo(product.premiumPlan.toString());
		assertThat(read(upgraded, "$.planName").toString()).isEqualTo("Premium");
		assertThat(read(upgraded, "$.price").toString()).isEqualTo("20000");
		assertThat(charges(id).get(1)).startsWith("PRORATION SUCCEEDED ");
	}

}
