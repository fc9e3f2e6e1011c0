package com.moa.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import com.moa.platform.testing.EventContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.moa.e2e.Api.accessToken;
import static com.moa.e2e.Api.get;
import static com.moa.e2e.Api.json;
import static com.moa.e2e.Api.post;
import static com.moa.e2e.Api.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seller's product reaches the consumers' catalog through real events: seller-service's
 * outbox, RabbitMQ, lookup-service's read model and its Redis cache, all behind the
 * gateway (API.md: visible within 2 s); a consumer's two views count once.
 */
class CatalogThroughGatewaySystemTests {

	/** API.md's promise, timed only once the event path is warm (see warmUp). */
	static final Duration VISIBLE_WITHIN = Duration.ofSeconds(2);

	/** How long the warm-up waits for its product before calling it lost. */
	static final Duration CONSUMED_WITHIN = Duration.ofSeconds(10);

	static ServiceProcess gateway;

	@BeforeAll
	static void startSystem() throws Exception {
		SystemUnderTest.start();
		gateway = SystemUnderTest.gateway;
		warmUp();
	}

	/**
	 * Publishes one product through the whole path: the first event in cold JVMs (class
	 * loading, C1-only JIT) can take most of 2 s by itself, which is not what the tests
	 * time.
	 */
	private static void warmUp() throws Exception {
		String seller = accessToken("SELLER");
		String marker = "e2e" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		HttpResponse<String> created = post(gateway, "/api/seller/products", product("Warm-up " + marker), seller);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = json.readTree(created.body()).get("id").asString();
		assertThat(post(gateway, "/api/seller/products/" + id + "/publish", null, seller).statusCode()).isEqualTo(200);
		awaitCatalog("/api/products?q=" + marker, (titles) -> titles.contains("Warm-up " + marker), CONSUMED_WITHIN);
	}

	@Test
	void publishedProductReachesTheCatalogAndFollowsTheSellersChanges() throws Exception {
		String seller = accessToken("SELLER");
		String marker = "e2e" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		HttpResponse<String> created = post(gateway, "/api/seller/products", product("주간 밀키트 " + marker), seller);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = json.readTree(created.body()).get("id").asString();
		String search = "/api/products?q=" + marker;

		// A draft is not in the catalog.
		assertThat(titles(search)).isEmpty();

		assertThat(post(gateway, "/api/seller/products/" + id + "/publish", null, seller).statusCode()).isEqualTo(200);
		awaitCatalog(search, (titles) -> titles.contains("주간 밀키트 " + marker));
		long viewsBefore = viewCount(search);

		// A consumer views it twice: the first response issues the viewer cookie, the
		// second sends it back and is not counted again.
		HttpResponse<String> firstView = get(gateway, "/api/products/" + id, null);
		assertThat(firstView.statusCode()).isEqualTo(200);
		assertThat(json.readTree(firstView.body()).get("minPrice").asLong()).isEqualTo(29900);
		assertThat(json.readTree(firstView.body()).get("viewCount").asLong()).isEqualTo(viewsBefore + 1);
		String viewerCookie = firstView.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
		assertThat(viewerCookie).startsWith("moa_vid=");
		HttpResponse<String> secondView = send(gateway, "GET", "/api/products/" + id, null, null, "Cookie",
				viewerCookie);
		assertThat(json.readTree(secondView.body()).get("viewCount").asLong()).isEqualTo(viewsBefore + 1);
		assertThat(viewCount(search)).isEqualTo(viewsBefore + 1);

		// The listing is cached now (lookup's Redis cache); the change must still show.
		assertThat(titles(search)).containsExactly("주간 밀키트 " + marker);

		HttpResponse<String> current = get(gateway, "/api/seller/products/" + id, seller);
		String etag = current.headers().firstValue("ETag").orElseThrow();
		HttpResponse<String> renamed = send(gateway, "PUT", "/api/seller/products/" + id, product("격주 밀키트 " + marker),
				seller, "If-Match", etag);
		assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
		awaitCatalog(search, (titles) -> titles.equals(List.of("격주 밀키트 " + marker)));

		assertThat(post(gateway, "/api/seller/products/" + id + "/unpublish", null, seller).statusCode())
			.isEqualTo(200);
		awaitCatalog(search, List::isEmpty);
		assertThat(get(gateway, "/api/products/" + id, null).statusCode()).isEqualTo(404);
	}

	@Test
	void oneTraceFromTheGatewayThroughSellerServiceAndItsEventToLookupsConsumer() throws Exception {
		String seller = accessToken("SELLER");
		HttpResponse<String> created = post(gateway, "/api/seller/products", product("Traced " + UUID.randomUUID()),
				seller);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = json.readTree(created.body()).get("id").asString();

		HttpResponse<String> published = post(gateway, "/api/seller/products/" + id + "/publish", null, seller);
		assertThat(published.statusCode()).isEqualTo(200);
		String traceId = published.headers().firstValue("X-Request-Id").orElseThrow();
		assertThat(traceId).matches("[0-9a-f]{32}");

		// The gateway passed the trace to seller-service, whose outbox stored it with the
		// event; the relay sent it as traceparent and lookup's consumer continued it: its
		// line for this product's event carries the same trace id.
		String applied = "applied product.upserted";
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (SystemUnderTest.lookup.logLines()
			.stream()
			.noneMatch((line) -> line.contains(applied) && line.contains(traceId)) && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		assertThat(SystemUnderTest.lookup.logLines()).filteredOn((line) -> line.contains(applied))
			.anySatisfy((line) -> assertThat(line).contains("[" + traceId + ","));
	}

	@Test
	void productWithTheLongestValidFieldsReachesTheCatalogWithinTwoSeconds() throws Exception {
		String seller = accessToken("SELLER");
		String marker = "e2e" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		// The title's documented maximum, ending in the marker so the listing finds it.
		String largestTitle = limit("title").largestText();
		String title = largestTitle.substring(0, largestTitle.length() - marker.length() - 1) + " " + marker;
		List<Map<String, Object>> plans = new ArrayList<>();
		for (int i = 0; i < limit("plans").max(); i++) {
			plans.add(Map.of("name", limit("plans[].name").largestText(), "billingPeriod", "MONTHLY", "price",
					limit("plans[].price").max()));
		}
		Map<String, Object> largest = Map.of("title", title, "description", limit("description").largestText(),
				"category", "LIFESTYLE", "imageUrl", limit("imageUrl").largestText(), "plans", plans, "terms",
				limit("terms").largestText());
		HttpResponse<String> created = post(gateway, "/api/seller/products", largest, seller);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = json.readTree(created.body()).get("id").asString();

		assertThat(post(gateway, "/api/seller/products/" + id + "/publish", null, seller).statusCode()).isEqualTo(200);
		awaitCatalog("/api/products?q=" + marker, (titles) -> titles.contains(title));
		JsonNode detail = json.readTree(get(gateway, "/api/products/" + id, null).body());
		assertThat(detail.get("imageUrl").asString()).isEqualTo(limit("imageUrl").largestText());
		assertThat(detail.get("description").asString()).isEqualTo(limit("description").largestText());
		assertThat(detail.get("terms").asString()).isEqualTo(limit("terms").largestText());
		assertThat(detail.get("plans")).hasSize((int) limit("plans").max());
	}

	private static EventContract.FieldLimit limit(String field) {
		return EventContract.limit("product.upserted", field);
	}

	@Test
	void consumersCannotUseTheSellerApi() throws Exception {
		String consumer = accessToken("CONSUMER");
		HttpResponse<String> response = post(gateway, "/api/seller/products", product("nope"), consumer);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
	}

	private static Map<String, Object> product(String title) {
		return Map.of("title", title, "description", "매주 신선한 재료", "category", "MEAL_KIT", "plans",
				List.of(Map.of("name", "기본", "billingPeriod", "MONTHLY", "price", 29900)), "terms", "약관 v1");
	}

	private static List<String> titles(String path) throws Exception {
		HttpResponse<String> response = get(gateway, path, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode content = json.readTree(response.body()).get("content");
		return content.valueStream().map((item) -> item.get("title").asString()).toList();
	}

	/** The view count of the only product the listing shows. */
	private static long viewCount(String path) throws Exception {
		HttpResponse<String> response = get(gateway, path, null);
		JsonNode content = json.readTree(response.body()).get("content");
		assertThat(content.size()).isEqualTo(1);
		return content.get(0).get("viewCount").asLong();
	}

	/** Polls the public catalog until it shows the change, failing after API.md's 2 s. */
	private static void awaitCatalog(String path, Predicate<List<String>> shown) throws Exception {
		awaitCatalog(path, shown, VISIBLE_WITHIN);
	}

	/**
	 * Polls the public catalog until it shows the change, failing after {@code within}.
	 */
	private static void awaitCatalog(String path, Predicate<List<String>> shown, Duration within) throws Exception {
		long deadline = System.nanoTime() + within.toNanos();
		List<String> titles = titles(path);
		while (!shown.test(titles) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			titles = titles(path);
		}
		assertThat(shown.test(titles)).as("catalog shows the change within %s, saw %s", within, titles).isTrue();
	}

}
