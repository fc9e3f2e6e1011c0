package com.moa.payment.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.moa.payment.PaymentIntegrationTestSupport;
import com.moa.platform.testing.EventContract;
import com.moa.platform.testing.EventContract.FieldLimit;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * payment-service's side of the product event contract in docs/events.md: a
 * {@code product.upserted} carrying the largest documented value of every field, in the
 * characters that are hardest to store (supplementary characters, Hangul, text NFC
 * normalization would change), is kept in the catalog unchanged, and a subscription
 * bought from it, or moved to another of its plans, copies and serves title, plan name
 * and price exactly.
 */
class ProductEventContractIntegrationTests extends PaymentIntegrationTestSupport {

	private static final String EVENT = "product.upserted";

	private static final long MAX_PRICE = limit("plans[].price").max();

	@Test
	void storesTheLargestDocumentedValuesUnchangedAndSellsThem() {
		LargestProduct product = publishLargest();

		CatalogProduct stored = this.catalog.find(product.id).orElseThrow();
		assertThat(stored.title()).isEqualTo(product.title);
		assertThat(stored.plans()).containsExactlyElementsOf(product.plans);
		assertThat(stored.termsVersion()).isEqualTo(Integer.MAX_VALUE);
		assertThat(stored.isSellable()).isTrue();

		String token = consumer();
		CatalogPlan monthly = product.plans.get(0);
		MvcTestResult bought = subscribe(token, UUID.randomUUID().toString(), product.id, monthly.id(), "tok_ok",
				String.valueOf(Integer.MAX_VALUE));
		assertThat(bought).hasStatus(201);
		String id = read(bought, "$.id");
		assertServed(bought, "$", product.title, monthly);
		assertServed(get("/api/subscriptions/" + id, token), "$", product.title, monthly);
		assertServed(get("/api/subscriptions", token), "$[0]", product.title, monthly);
		assertThat(charges(id)).containsExactly("INITIAL SUCCEEDED " + MAX_PRICE);
		assertThat(((Number) read(get("/api/payments", token), "$.content[0].amount")).longValue())
			.isEqualTo(MAX_PRICE);
		assertThat(this.jdbc.sql("SELECT accepted_terms_version FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(id))
			.query(Integer.class)
			.single()).isEqualTo(Integer.MAX_VALUE);
	}

	/**
	 * The other places a plan's name and price are copied to: a pending downgrade on the
	 * subscription, and an upgrade's charge and the subscription it changes.
	 */
	@Test
	void aPlanChangeCopiesTheLargestPlanNameAndPriceUnchanged() {
		LargestProduct product = publishLargest();
		CatalogPlan monthly = product.plans.get(0);
		CatalogPlan yearly = product.plans.get(1);
		CatalogPlan cheaper = product.plans.get(2);

		// Downgrade: 10^12 monthly to 10^12 a year, pending until the period end.
		String token = consumer();
		String downgraded = read(subscribe(token, UUID.randomUUID().toString(), product.id, monthly.id(), "tok_ok"),
				"$.id");
		MvcTestResult pending = post("/api/subscriptions/" + downgraded + "/change-plan",
				"{\"planId\":\"" + yearly.id() + "\"}", token);
		assertThat(pending).hasStatusOk();
		assertThat(text(pending, "$.pendingPlanId")).isEqualTo(yearly.id().toString());
		assertThat(this.jdbc
			.sql("SELECT pending_plan_name || '|' || pending_billing_period || '|' || pending_price"
					+ " FROM subscriptions WHERE id = ?")
			.param(UUID.fromString(downgraded))
			.query(String.class)
			.single()).isEqualTo(yearly.name() + "|YEARLY|" + MAX_PRICE);

		// Upgrade: to the 10^12 monthly plan, charged now.
		String other = consumer();
		String upgraded = read(subscribe(other, UUID.randomUUID().toString(), product.id, cheaper.id(), "tok_ok"),
				"$.id");
		MvcTestResult changed = post("/api/subscriptions/" + upgraded + "/change-plan",
				"{\"planId\":\"" + monthly.id() + "\"}", other);
		assertThat(changed).hasStatusOk();
		MvcTestResult served = get("/api/subscriptions/" + upgraded, other);
		assertThat(text(served, "$.planName")).isEqualTo(monthly.name());
		assertThat(((Number) read(served, "$.price")).longValue()).isEqualTo(MAX_PRICE);
		assertThat(text(served, "$.productTitle")).isEqualTo(product.title);
		assertThat(this.jdbc
			.sql("SELECT plan_name || '|' || plan_price FROM payments WHERE subscription_id = ? AND kind = 'PRORATION'")
			.param(UUID.fromString(upgraded))
			.query(String.class)
			.single()).isEqualTo(monthly.name() + "|" + MAX_PRICE);
	}

	private static void assertServed(MvcTestResult served, String at, String title, CatalogPlan plan) {
		assertThat(served).hasStatus2xxSuccessful();
		assertThat(text(served, at + ".productTitle")).isEqualTo(title);
		assertThat(text(served, at + ".planName")).isEqualTo(plan.name());
		assertThat(((Number) read(served, at + ".price")).longValue()).isEqualTo(plan.price());
		assertThat(text(served, at + ".currency")).isEqualTo(plan.currency());
		assertThat(text(served, at + ".billingPeriod")).isEqualTo(plan.billingPeriod().name());
	}

	/**
	 * Sends the largest documented snapshot as seller-service publishes it and waits
	 * until the catalog has it: a consumer that refused it (a too-narrow column sends it
	 * to the dead-letter queue) fails here.
	 */
	private LargestProduct publishLargest() {
		UUID id = UUID.randomUUID();
		String title = limit("title").worstCaseText("T");
		List<CatalogPlan> plans = new ArrayList<>();
		for (int i = 0; i < limit("plans").max(); i++) {
			// 0: 10^12 monthly, 1: 10^12 a year, then a little less each, alternating.
			BillingPeriod period = (i % 2 == 0) ? BillingPeriod.MONTHLY : BillingPeriod.YEARLY;
			long price = (i < 2) ? MAX_PRICE : MAX_PRICE - i;
			plans.add(new CatalogPlan(UUID.randomUUID(),
					limit("plans[].name").worstCaseText(String.valueOf((char) ('A' + i))), period, price, "KRW"));
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("productId", id);
		data.put("sellerId", UUID.randomUUID());
		data.put("sellerName", limit("sellerName").worstCaseText("S"));
		data.put("title", title);
		data.put("description", limit("description").worstCaseText("D"));
		data.put("category", "LIFESTYLE");
		data.put("imageUrl", limit("imageUrl").largestText());
		data.put("plans",
				plans.stream()
					.map((plan) -> Map.of("id", plan.id(), "name", plan.name(), "billingPeriod",
							plan.billingPeriod().name(), "price", plan.price(), "currency", plan.currency()))
					.toList());
		data.put("terms", limit("terms").worstCaseText("R"));
		data.put("termsVersion", Integer.MAX_VALUE);
		data.put("status", "PUBLISHED");
		data.put("version", Long.MAX_VALUE);
		data.put("publishedAt", Instant.now().toString());
		data.put("updatedAt", Instant.now().toString());
		send(EVENT, id, data);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.catalog.find(id)).as("catalog entry of the largest product")
				.hasValueSatisfying((found) -> assertThat(found.plans()).hasSize(plans.size())));
		return new LargestProduct(id, title, plans);
	}

	private static String text(MvcTestResult result, String path) {
		return read(result, path);
	}

	private static FieldLimit limit(String field) {
		return EventContract.limit(EVENT, field);
	}

	private record LargestProduct(UUID id, String title, List<CatalogPlan> plans) {
	}

}
