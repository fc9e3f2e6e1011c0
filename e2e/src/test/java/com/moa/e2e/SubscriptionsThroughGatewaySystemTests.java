package com.moa.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.moa.e2e.Api.get;
import static com.moa.e2e.Api.json;
import static com.moa.e2e.Api.login;
import static com.moa.e2e.Api.post;
import static com.moa.e2e.Api.send;
import static com.moa.e2e.Api.signup;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer subscribes through the gateway and the whole system follows: the purchase is
 * idempotent, the seller's dashboard shows the subscriber and MRR, the catalog its
 * subscriber count and the seller's name; a month on the test clock renews it, a declined
 * renewal goes past due and a new payment method brings it back.
 */
class SubscriptionsThroughGatewaySystemTests {

	static final Duration WITHIN = Duration.ofSeconds(2);

	/** lookup's moa.lookup.cache.count-refresh: how long a subscriber count may lag. */
	static final Duration COUNT_REFRESH = Duration.ofSeconds(5);

	static ServiceProcess gateway;

	@BeforeAll
	static void startSystem() throws Exception {
		SystemUnderTest.start();
		gateway = SystemUnderTest.gateway;
	}

	@Test
	void subscribeRenewDeclineAndRecoverWhileDashboardAndCatalogFollow() throws Exception {
		String sellerEmail = signup("SELLER");
		String seller = login(sellerEmail, Api.PASSWORD).get("accessToken").asString();
		String marker = "e2e" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		HttpResponse<String> created = post(gateway, "/api/seller/products",
				Map.of("title", "구독 박스 " + marker, "description", "매달", "category", "LIFESTYLE", "plans",
						List.of(Map.of("name", "월간", "billingPeriod", "MONTHLY", "price", 29900),
								Map.of("name", "연간", "billingPeriod", "YEARLY", "price", 299000)),
						"terms", "약관"),
				seller);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode product = json.readTree(created.body());
		String productId = product.get("id").asString();
		String monthly = product.get("plans").get(0).get("id").asString();
		assertThat(post(gateway, "/api/seller/products/" + productId + "/publish", null, seller).statusCode())
			.isEqualTo(200);
		// Polled through the listing: a detail view would count views.
		String listing = "/api/products?q=" + marker;
		awaitJson(gateway, listing, null, (page) -> "Tester".equals(page.at("/content/0/sellerName").asString(null)));

		String consumer = Api.accessToken("CONSUMER");
		Map<String, Object> purchase = Map.of("productId", productId, "planId", monthly, "paymentMethod",
				Map.of("token", "tok_ok"));
		// payment-service learns of the product through its own event queue: retry with a
		// fresh key until it sells, as an app would after a 404.
		String key = null;
		HttpResponse<String> bought = null;
		long deadline = System.nanoTime() + WITHIN.toNanos();
		while (bought == null || bought.statusCode() == 404 && System.nanoTime() < deadline) {
			key = UUID.randomUUID().toString();
			bought = send(gateway, "POST", "/api/subscriptions", purchase, consumer, "Idempotency-Key", key);
		}
		assertThat(bought.statusCode()).as(bought.body()).isEqualTo(201);
		HttpResponse<String> replayed = send(gateway, "POST", "/api/subscriptions", purchase, consumer,
				"Idempotency-Key", key);
		assertThat(replayed.statusCode()).isEqualTo(201);
		assertThat(replayed.headers().firstValue("Idempotent-Replayed")).contains("true");
		assertThat(replayed.body()).isEqualTo(bought.body());
		String subscription = json.readTree(bought.body()).get("id").asString();

		awaitJson(gateway, "/api/seller/dashboard", seller, (d) -> d.at("/totals/activeSubscribers").asLong() == 1
				&& d.at("/totals/monthlyRecurringRevenue").asLong() == 29900);
		// Subscriber counts drop lookup's cache once per count-refresh (5 s), not at
		// once.
		awaitJson(gateway, listing, null, (page) -> page.at("/content/0/subscriberCount").asLong() == 1,
				WITHIN.plus(COUNT_REFRESH));

		advance("P31D");
		JsonNode payments = json.readTree(get(gateway, "/api/payments", consumer).body());
		assertThat(payments.get("totalElements").asLong()).isEqualTo(2);
		assertThat(payments.at("/content/0/status").asString()).isEqualTo("SUCCEEDED");

		assertThat(send(gateway, "PUT", "/api/subscriptions/" + subscription + "/payment-method",
				Map.of("paymentMethod", Map.of("token", "tok_declined")), consumer)
			.statusCode()).isEqualTo(200);
		advance("P31D");
		assertThat(status(subscription, consumer)).isEqualTo("PAST_DUE");
		HttpResponse<String> recovered = send(gateway, "PUT", "/api/subscriptions/" + subscription + "/payment-method",
				Map.of("paymentMethod", Map.of("token", "tok_ok")), consumer);
		assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(200);
		assertThat(status(subscription, consumer)).isEqualTo("ACTIVE");
		assertThat(json.readTree(get(gateway, "/api/payments", consumer).body()).get("totalElements").asLong())
			.isEqualTo(4);
	}

	private static String status(String subscription, String token) throws Exception {
		return json.readTree(get(gateway, "/api/subscriptions/" + subscription, token).body()).get("status").asString();
	}

	/** The test clock lives on payment-service itself, never behind the gateway. */
	private static void advance(String duration) throws Exception {
		HttpResponse<String> response = Api.http
			.send(HttpRequest.newBuilder(URI.create(SystemUnderTest.payment.baseUrl() + "/internal/test-clock/advance"))
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/json")
				.header("X-Operator-Key", "dev-operator-key")
				.POST(HttpRequest.BodyPublishers.ofString("{\"duration\":\"" + duration + "\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	private static void awaitJson(ServiceProcess target, String path, String token, Predicate<JsonNode> shown)
			throws Exception {
		awaitJson(target, path, token, shown, WITHIN);
	}

	private static void awaitJson(ServiceProcess target, String path, String token, Predicate<JsonNode> shown,
			Duration within) throws Exception {
		long deadline = System.nanoTime() + within.toNanos();
		JsonNode last = null;
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = get(target, path, token);
			if (response.statusCode() == 200) {
				last = json.readTree(response.body());
				if (shown.test(last)) {
					return;
				}
			}
			Thread.sleep(50);
		}
		assertThat(last != null && shown.test(last)).as("%s within %s, last seen %s", path, within, last).isTrue();
	}

}
