package com.moa.payment.billing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.subscription.SubscriptionEvents;
import com.moa.payment.subscription.SubscriptionRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One charge in flight per subscription, whoever starts it: the consumer's own changes (a
 * new payment method, an upgrade, a cancel) arriving while a charge runs — a double tap,
 * or the billing job's renewal — answer 409 {@code charge-in-progress} instead of
 * charging twice or changing the subscription under the charge; the reconciler never
 * judges a charge that is at the provider. The provider is made slow for chosen
 * subscriptions with a trigger on the sandbox's own table (its call blocks in it), so the
 * interleavings are real, not simulated.
 */
class ChargeConflictsIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	BillingClock clock;

	@Autowired
	SubscriptionRepository subscriptions;

	@Autowired
	PaymentRepository payments;

	@Autowired
	SubscriptionEvents events;

	@Autowired
	Charging charging;

	@Autowired
	TransactionTemplate transaction;

	@AfterEach
	void normalProvider() {
		this.jdbc.sql("DROP TRIGGER IF EXISTS slow_provider ON sandbox_charges").update();
		this.jdbc.sql("DROP TRIGGER IF EXISTS failing_purchase ON subscriptions").update();
		this.jdbc.sql("DROP TRIGGER IF EXISTS failing_key ON idempotency_keys").update();
	}

	@Test
	void twoNewPaymentMethodsAtOnceChargeAPastDueSubscriptionOnce() throws Exception {
		Product product = product(31_000);
		String token = consumer();
		String id = pastDue(token, product);
		slowProvider(Duration.ofMillis(1500), id);

		List<Integer> statuses = concurrently(2, () -> http("PUT", "/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_ok\"}}", token)
			.statusCode());

		assertThat(statuses).containsExactlyInAnyOrder(200, 409);
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 31000", "RENEWAL FAILED 31000",
				"RENEWAL SUCCEEDED 31000");
		assertThat(providerCharges(id)).isEqualTo(2);
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("ACTIVE");
	}

	@Test
	void aDoubleTappedUpgradeChargesTheProrationOnce() throws Exception {
		Product product = product(32_000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		slowProvider(Duration.ofMillis(1500), id);

		List<HttpResponse<String>> answers = concurrently(2, () -> http("POST",
				"/api/subscriptions/" + id + "/change-plan", "{\"planId\":\"" + product.premiumPlan + "\"}", token));

		List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
		assertThat(statuses).as(answers.stream().map(HttpResponse::body).collect(Collectors.joining("\n")))
			.containsOnlyOnce(200)
			.containsAnyOf(409, 400);
		assertThat(charges(id)).hasSize(2).element(1).asString().startsWith("PRORATION SUCCEEDED");
		assertThat(providerCharges(id)).isEqualTo(2);
		assertThat(read(get("/api/subscriptions/" + id, token), "$.planId").toString())
			.isEqualTo(product.premiumPlan.toString());
	}

	@Test
	void aCancelWhileTheRenewalIsChargingWaitsForItInsteadOfBeingUndone() throws Exception {
		Product product = product(33_000);
		String token = consumer();
		String id = subscribed(token, product, product.monthlyPlan);
		slowProvider(Duration.ofMillis(2000), id);
		CompletableFuture<Void> renewal = CompletableFuture.runAsync(() -> advance("P31D"));
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> charges(id).contains("RENEWAL PENDING 33000"));

			MvcTestResult duringCharge = post("/api/subscriptions/" + id + "/cancel", "{\"atPeriodEnd\":false}", token);

			assertThat(duringCharge).hasStatus(409);
			assertThat(body(duringCharge)).contains("charge-in-progress");
			assertThat(duringCharge.getResponse().getHeader("Retry-After")).isNotBlank();
		}
		finally {
			renewal.get();
		}
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("ACTIVE");
		assertThat(post("/api/subscriptions/" + id + "/cancel", "{\"atPeriodEnd\":false}", token)).hasStatus(200);
		advance("P1D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("CANCELED");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 33000", "RENEWAL SUCCEEDED 33000");
	}

	/**
	 * A billing batch charges one subscription after another: the last is handed to the
	 * provider long after the batch was claimed. The reconciler (another instance's, or
	 * this one's own schedule; here every 100 ms with a 1 s threshold) must not settle it
	 * as "nothing charged" and then see it charged anyway: what the provider took and
	 * what the payments say must agree for every subscription. Nor may it put a renewal
	 * off by an hour because the batch was slow: what the batch cannot send within a
	 * quarter of that threshold it gives back, and the next round renews it.
	 */
	@Test
	void theReconcilerNeverSettlesAChargeOfABatchThatIsStillToBeSent() throws Exception {
		Product product = product(34_000);
		List<String> slow = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			slow.add(subscribed(consumer(), product, product.monthlyPlan));
		}
		String last = subscribed(consumer(), product, product.monthlyPlan);
		slowProvider(Duration.ofMillis(200), slow.toArray(String[]::new));
		this.clock.advance(Duration.ofDays(31));

		CompletableFuture<Integer> batch = CompletableFuture.supplyAsync(this.billing::runOnce);
		while (!batch.isDone()) {
			this.reconciler.reconcile();
			Thread.sleep(100);
		}
		batch.get();
		this.reconciler.reconcile();

		List<String> all = new ArrayList<>(slow);
		all.add(last);
		for (String id : all) {
			int succeeded = (int) charges(id).stream().filter((charge) -> charge.contains("SUCCEEDED")).count();
			assertThat(providerCharges(id)).as("provider charges of %s, recorded %s", id, charges(id))
				.isEqualTo(succeeded);
		}
		this.billing.runUntilIdle();
		for (String id : all) {
			assertThat(charges(id)).as(id).containsExactly("INITIAL SUCCEEDED 34000", "RENEWAL SUCCEEDED 34000");
		}
	}

	/**
	 * An instance told to stop while its batch is at the provider lets that charge finish
	 * and gives back the ones it has not sent: none is left PENDING for the reconciler
	 * (which would settle it as "nothing charged" and put its renewal off by an hour),
	 * and the next round renews them.
	 */
	@Test
	void aBatchUnderWayWhenTheApplicationStopsGivesBackWhatItHasNotSent() throws Exception {
		Product product = product(35_000);
		List<String> slow = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			slow.add(subscribed(consumer(), product, product.monthlyPlan));
		}
		slowProvider(Duration.ofMillis(1000), slow.toArray(String[]::new));
		this.clock.advance(Duration.ofDays(31));
		BillingJob stopping = new BillingJob(this.subscriptions, this.payments, this.catalog, this.events,
				this.charging, this.transaction, this.clock, this.properties, false, new SimpleMeterRegistry());

		CompletableFuture<Integer> batch = CompletableFuture.supplyAsync(stopping::runUntilIdle);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
				.query(Integer.class)
				.single() > 0);
		stopping.onShutdown();
		batch.get(10, TimeUnit.SECONDS);

		assertThat(
				this.jdbc.sql("SELECT count(*) FROM payments WHERE status = 'PENDING'").query(Integer.class).single())
			.isZero();
		assertThat(slow.stream().filter((id) -> charges(id).size() == 2)).hasSize(1);
		normalProvider();
		this.billing.runUntilIdle();
		for (String id : slow) {
			assertThat(charges(id)).as(id).containsExactly("INITIAL SUCCEEDED 35000", "RENEWAL SUCCEEDED 35000");
			assertThat(providerCharges(id)).isEqualTo(2);
		}
	}

	@Test
	void aPastDueSubscriptionOfAProductThatStoppedSellingIsNotRenewedByANewPaymentMethod() {
		Product product = product(35_000);
		String token = consumer();
		String id = pastDue(token, product);
		product.status = "UNPUBLISHED";
		publish(product.next());

		MvcTestResult replaced = put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_ok\"}}", token);

		assertThat(replaced).hasStatus(200);
		assertThat(read(replaced, "$.status").toString()).isEqualTo("PAST_DUE");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 35000", "RENEWAL FAILED 35000");
		advance("P1D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("EXPIRED");
		assertThat(providerCharges(id)).isEqualTo(1);
	}

	@Test
	void theConsumersOwnDeclinedRetriesDoNotUseUpTheDunningSchedule() {
		Product product = product(36_000);
		String token = consumer();
		String id = pastDue(token, product);

		for (int i = 0; i < 3; i++) {
			assertThat(put("/api/subscriptions/" + id + "/payment-method",
					"{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token))
				.hasStatus(402);
		}

		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		Integer attempts = this.jdbc.sql("SELECT dunning_attempts FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(id))
			.query(Integer.class)
			.single();
		assertThat(attempts).isZero();
		advance("P1D"); // the first scheduled retry, declined: one of three
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
	}

	@Test
	void aNewPaymentMethodTheProviderCannotChargeNowIsA503NotAPaidLooking200() {
		Product product = product(39_000);
		String token = consumer();
		String id = pastDue(token, product);

		MvcTestResult unavailable = put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_error\"}}", token);

		assertThat(unavailable).hasStatus(503);
		assertThat(body(unavailable)).contains("payment-provider-unavailable");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 39000", "RENEWAL FAILED 39000",
				"RENEWAL FAILED 39000");
		assertThat(put("/api/subscriptions/" + id + "/payment-method", "{\"paymentMethod\":{\"token\":\"tok_ok\"}}",
				token))
			.hasStatus(200);
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("ACTIVE");
	}

	@Test
	void aPurchaseThatFailedBeforeRecordingAnythingGivesItsKeyBack() {
		Product product = product(37_000);
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION failing_purchase() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF NEW.product_id = '%s' THEN RAISE EXCEPTION 'simulated database failure'; END IF;
				  RETURN NEW;
				END $$""".formatted(product.id)).update();
		this.jdbc
			.sql("CREATE TRIGGER failing_purchase BEFORE INSERT ON subscriptions FOR EACH ROW "
					+ "EXECUTE FUNCTION failing_purchase()")
			.update();
		String token = consumer();
		String key = UUID.randomUUID().toString();

		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok").getResponse().getStatus())
			.isGreaterThanOrEqualTo(500);
		normalProvider();

		MvcTestResult retried = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");
		assertThat(retried).hasStatus(201);
		assertThat(providerCharges(read(retried, "$.id"))).isEqualTo(1);
	}

	@Test
	void aPurchaseThatDiedAfterItsChargeSettledIsAnsweredOnRetryNotLeftInProgress() {
		Product product = product(38_000);
		String token = consumer();
		String key = UUID.randomUUID().toString();
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION failing_key() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF NEW.key = '%s' AND NEW.state = 'DONE' THEN RAISE EXCEPTION 'simulated crash'; END IF;
				  RETURN NEW;
				END $$""".formatted(key)).update();
		this.jdbc
			.sql("CREATE TRIGGER failing_key BEFORE UPDATE ON idempotency_keys FOR EACH ROW "
					+ "EXECUTE FUNCTION failing_key()")
			.update();

		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok").getResponse().getStatus())
			.isGreaterThanOrEqualTo(500);
		normalProvider();

		MvcTestResult retried = subscribe(token, key, product.id, product.monthlyPlan, "tok_ok");
		assertThat(retried).hasStatus(201).hasHeader("Idempotent-Replayed", "true");
		String id = read(retried, "$.id");
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED 38000");
		assertThat(providerCharges(id)).isEqualTo(1);
		assertThat(subscribe(token, key, product.id, product.monthlyPlan, "tok_ok")).hasStatus(201)
			.hasHeader("Idempotent-Replayed", "true");
	}

	@Test
	void theTestClockRefusesAnAdvanceThatWouldLeaveRepresentableTime() {
		for (String duration : List.of("P400000000000D", "P3661D")) {
			assertThat(this.mvc.post()
				.uri("/internal/test-clock/advance")
				.header("X-Operator-Key", OPERATOR_KEY)
				.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
				.content("{\"duration\":\"" + duration + "\"}")
				.exchange()).as(duration).hasStatus(400);
		}
		assertThat(now()).isBefore(java.time.Instant.parse("2100-01-01T00:00:00Z"));
	}

	/**
	 * Subscribed, then its renewal declined: PAST_DUE with its first retry a day away.
	 */
	private String pastDue(String token, Product product) {
		String id = subscribed(token, product, product.monthlyPlan);
		assertThat(put("/api/subscriptions/" + id + "/payment-method",
				"{\"paymentMethod\":{\"token\":\"tok_declined\"}}", token))
			.hasStatus(200);
		advance("P31D");
		assertThat(read(get("/api/subscriptions/" + id, token), "$.status").toString()).isEqualTo("PAST_DUE");
		return id;
	}

	/** The sandbox provider takes this long to charge these subscriptions. */
	private void slowProvider(Duration latency, String... subscriptionIds) {
		String ids = java.util.Arrays.stream(subscriptionIds)
			.map((id) -> "'" + UUID.fromString(id) + "'")
			.collect(Collectors.joining(","));
		this.jdbc.sql("""
				CREATE OR REPLACE FUNCTION slow_provider() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF EXISTS (SELECT 1 FROM payments WHERE id = NEW.idempotency_key AND subscription_id IN (%s)) THEN
				    PERFORM pg_sleep(%s);
				  END IF;
				  RETURN NEW;
				END $$""".formatted(ids, latency.toMillis() / 1000.0)).update();
		this.jdbc
			.sql("CREATE TRIGGER slow_provider BEFORE INSERT ON sandbox_charges FOR EACH ROW "
					+ "EXECUTE FUNCTION slow_provider()")
			.update();
	}

	private HttpResponse<String> http(String method, String path, String json, String token) throws Exception {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.build()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.timeout(Duration.ofSeconds(30))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static <T> List<T> concurrently(int n, java.util.concurrent.Callable<T> task) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(n);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
