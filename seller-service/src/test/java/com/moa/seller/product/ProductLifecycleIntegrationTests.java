package com.moa.seller.product;

import java.time.Instant;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Create, read, list, update, publish, unpublish, change terms and delete a product
 * through the HTTP API on a real database.
 */
class ProductLifecycleIntegrationTests extends SellerIntegrationTestSupport {

	@Test
	void createAnswers201DraftWithTermsVersion1AndLocation() {
		String seller = newSeller();

		MvcTestResult result = create(seller, productJson("Kimchi box"));

		assertThat(result).hasStatus(HttpStatus.CREATED).hasContentType(MediaType.APPLICATION_JSON);
		String id = read(result, "$.id");
		assertThat(result.getResponse().getHeader(HttpHeaders.LOCATION)).endsWith(PRODUCTS + "/" + id);
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo("DRAFT");
		assertThat(result).bodyJson().extractingPath("$.termsVersion").isEqualTo(1);
		assertThat(result).bodyJson().extractingPath("$.version").isEqualTo(1);
		assertThat(result).bodyJson().extractingPath("$.title").isEqualTo("Kimchi box");
		assertThat(result).bodyJson().extractingPath("$.category").isEqualTo("MEAL_KIT");
		assertThat(result).bodyJson().extractingPath("$.plans[0].currency").isEqualTo("KRW");
		assertThat(result).bodyJson().extractingPath("$.plans[1].price").isEqualTo(399000);
		assertThat(result).bodyJson().extractingPath("$.plans[1].billingPeriod").isEqualTo("YEARLY");
		assertThat(read(result, "$.plans[0].id")).isNotBlank();
		assertThat(read(result, "$.createdAt")).isNotBlank();
		assertThat(result).bodyJson().extractingPath("$.publishedAt").isNull();
	}

	@Test
	void getReturnsTheProductWithItsVersionAsETag() {
		String seller = newSeller();
		String id = createProduct(seller, "Streaming bundle");

		MvcTestResult result = get(PRODUCTS + "/" + id, seller);

		assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"1\"");
		assertThat(result).bodyJson().extractingPath("$.id").isEqualTo(id);
	}

	@Test
	void malformedIdIs400NotServerError() {
		assertThat(get(PRODUCTS + "/not-a-uuid", newSeller())).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void unknownIdIs404Problem() {
		assertThat(get(PRODUCTS + "/" + java.util.UUID.randomUUID(), newSeller())).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void listShowsOnlyTheCallersProductsAndNeverDeletedOnes() {
		String seller = newSeller();
		String kept = createProduct(seller, "Kept");
		String published = createProduct(seller, "Published");
		String deleted = createProduct(seller, "Deleted");
		createProduct(newSeller(), "Someone else's");
		assertThat(post(PRODUCTS + "/" + published + "/publish", seller)).hasStatusOk();
		assertThat(delete(PRODUCTS + "/" + deleted, seller)).hasStatus(HttpStatus.NO_CONTENT);

		MvcTestResult all = get(PRODUCTS, seller);
		MvcTestResult onlyPublished = get(PRODUCTS + "?status=PUBLISHED", seller);

		assertThat(all).hasStatusOk();
		List<String> ids = com.jayway.jsonpath.JsonPath.read(body(all), "$.content[*].id");
		assertThat(ids).containsExactlyInAnyOrder(kept, published);
		assertThat(all).bodyJson().extractingPath("$.totalElements").isEqualTo(2);
		List<String> publishedIds = com.jayway.jsonpath.JsonPath.read(body(onlyPublished), "$.content[*].id");
		assertThat(publishedIds).containsExactly(published);
		assertThat(get(PRODUCTS + "?status=DELETED", seller)).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get(PRODUCTS + "?size=0", seller)).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void listPagesNewestFirst() {
		String seller = newSeller();
		createProduct(seller, "First");
		createProduct(seller, "Second");
		createProduct(seller, "Third");

		MvcTestResult page = get(PRODUCTS + "?page=0&size=2", seller);

		assertThat(page).bodyJson().extractingPath("$.content[*].title").isEqualTo(List.of("Third", "Second"));
		assertThat(page).bodyJson().extractingPath("$.totalPages").isEqualTo(2);
		assertThat(get(PRODUCTS + "?page=1&size=2", seller)).bodyJson()
			.extractingPath("$.content[*].title")
			.isEqualTo(List.of("First"));
	}

	@Test
	void updateWithMatchingIfMatchAnswers200AndNewVersion() {
		String seller = newSeller();
		String id = createProduct(seller, "Old title");

		MvcTestResult result = put(PRODUCTS + "/" + id, productJson("New title"), seller, "\"1\"");

		assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
		assertThat(result).bodyJson().extractingPath("$.title").isEqualTo("New title");
		assertThat(result).bodyJson().extractingPath("$.version").isEqualTo(2);
		assertThat(result).bodyJson().extractingPath("$.termsVersion").isEqualTo(1);
	}

	@Test
	void updateWithStaleIfMatchIs412AndChangesNothing() {
		String seller = newSeller();
		String id = createProduct(seller, "Original");
		assertThat(put(PRODUCTS + "/" + id, productJson("Second"), seller)).hasStatusOk();

		MvcTestResult stale = put(PRODUCTS + "/" + id, productJson("Lost update"), seller, "\"1\"");

		assertThat(stale).hasStatus(HttpStatus.PRECONDITION_FAILED).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(stale).bodyJson().extractingPath("$.type").asString().endsWith("precondition-failed");
		assertThat(get(PRODUCTS + "/" + id, seller)).bodyJson().extractingPath("$.title").isEqualTo("Second");
	}

	@Test
	void updateKeepsPlanIdsOfPlansWithTheSameName() {
		String seller = newSeller();
		MvcTestResult created = create(seller, productJson("Plans"));
		String id = read(created, "$.id");
		String weeklyId = read(created, "$.plans[0].id");

		MvcTestResult updated = put(PRODUCTS + "/" + id, productJson("Plans renamed"), seller);

		assertThat(updated).bodyJson().extractingPath("$.plans[0].id").isEqualTo(weeklyId);
	}

	/**
	 * A plan whose billing period changes is another plan, with a new id, whether the
	 * request names the old id or the old name: payment-service's subscriptions keep the
	 * plan as bought, and may change to the new one.
	 */
	@Test
	void aPlanMadeYearlyGetsANewId() {
		String seller = newSeller();
		MvcTestResult created = create(seller, """
				{"title":"Period change","description":"d","category":"MEAL_KIT",
				 "plans":[{"name":"Basic","billingPeriod":"MONTHLY","price":10000},
				          {"name":"Plus","billingPeriod":"MONTHLY","price":20000}],
				 "terms":"t"}""");
		String id = read(created, "$.id");
		String basicId = read(created, "$.plans[0].id");
		String plusId = read(created, "$.plans[1].id");

		MvcTestResult updated = put(PRODUCTS + "/" + id, """
				{"title":"Period change","description":"d","category":"MEAL_KIT",
				 "plans":[{"name":"Basic","billingPeriod":"YEARLY","price":100000},
				          {"id":"%s","name":"Plus","billingPeriod":"YEARLY","price":200000}],
				 "terms":"t"}""".formatted(plusId), seller);

		assertThat(updated).hasStatusOk();
		List<String> ids = JsonPath.read(body(updated), "$.plans[*].id");
		assertThat(ids).hasSize(2).doesNotContain(basicId, plusId).doesNotHaveDuplicates();
	}

	/**
	 * A plan that names its id keeps it even when a plan sent without an id, before or
	 * after it in the list, has the name the id's plan had: payment-service's
	 * subscriptions point at that id.
	 */
	@Test
	void planSentWithItsIdKeepsItAgainstAnIdlessPlanOfTheSameName() {
		for (boolean idlessFirst : List.of(true, false)) {
			String seller = newSeller();
			MvcTestResult created = create(seller, """
					{"title":"Plan ids","description":"d","category":"MEAL_KIT",
					 "plans":[{"name":"Monthly","billingPeriod":"MONTHLY","price":10000},
					          {"name":"Yearly","billingPeriod":"YEARLY","price":100000}],
					 "terms":"t"}""");
			String id = read(created, "$.id");
			String monthlyId = read(created, "$.plans[0].id");
			String yearlyId = read(created, "$.plans[1].id");
			String idless = """
					{"name":"Monthly","billingPeriod":"MONTHLY","price":8000}""";
			String classic = """
					{"id":"%s","name":"Monthly Classic","billingPeriod":"MONTHLY","price":10000}"""
				.formatted(monthlyId);
			String yearly = """
					{"id":"%s","name":"Yearly","billingPeriod":"YEARLY","price":100000}""".formatted(yearlyId);
			String plans = idlessFirst ? idless + "," + classic + "," + yearly : classic + "," + idless + "," + yearly;

			MvcTestResult updated = put(PRODUCTS + "/" + id, """
					{"title":"Plan ids","description":"d","category":"MEAL_KIT","plans":[%s],"terms":"t"}"""
				.formatted(plans), seller);

			assertThat(updated).as("idless first: " + idlessFirst).hasStatusOk();
			List<String> names = JsonPath.read(body(updated), "$.plans[*].name");
			List<String> ids = JsonPath.read(body(updated), "$.plans[*].id");
			List<Integer> prices = JsonPath.read(body(updated), "$.plans[*].price");
			int classicAt = names.indexOf("Monthly Classic");
			int newAt = names.indexOf("Monthly");
			assertThat(ids.get(classicAt)).as("idless first: " + idlessFirst).isEqualTo(monthlyId);
			assertThat(prices.get(classicAt)).isEqualTo(10000);
			assertThat(ids.get(newAt)).as("idless first: " + idlessFirst).isNotIn(monthlyId, yearlyId);
			assertThat(prices.get(newAt)).isEqualTo(8000);
			assertThat(ids.get(names.indexOf("Yearly"))).isEqualTo(yearlyId);
			assertThat(get(PRODUCTS + "/" + id, seller)).bodyJson()
				.extractingPath("$.plans[%d].id".formatted(classicAt))
				.isEqualTo(monthlyId);
		}
	}

	@Test
	void changingTermsInUpdateBumpsTermsVersion() {
		String seller = newSeller();
		String id = createProduct(seller, "Terms via update");

		MvcTestResult result = put(PRODUCTS + "/" + id, productJson("Terms via update", "New terms"), seller);

		assertThat(result).bodyJson().extractingPath("$.termsVersion").isEqualTo(2);
		assertThat(result).bodyJson().extractingPath("$.terms").isEqualTo("New terms");
	}

	@Test
	void termsEndpointBumpsTermsVersion() {
		String seller = newSeller();
		String id = createProduct(seller, "Terms");

		MvcTestResult result = put(PRODUCTS + "/" + id + "/terms", """
				{"terms":"Cancel any time","effectiveAt":"2030-01-01T00:00:00Z"}""", seller);

		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.termsVersion").isEqualTo(2);
		assertThat(get(PRODUCTS + "/" + id, seller)).bodyJson().extractingPath("$.terms").isEqualTo("Cancel any time");
	}

	/**
	 * Subscribers are mailed when new terms take effect: never before they could hear of
	 * it (a retroactive change), nor at a date no mail can print; a client clock a minute
	 * behind is fine.
	 */
	@Test
	void termsTakeEffectNowOrLater() {
		String seller = newSeller();
		String id = createProduct(seller, "Dated terms");
		for (String effectiveAt : List.of("1970-01-01T00:00:00Z", Instant.now().minusSeconds(3600).toString(),
				"+10000-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z")) {
			MvcTestResult refused = put(PRODUCTS + "/" + id + "/terms", """
					{"terms":"Backdated","effectiveAt":"%s"}""".formatted(effectiveAt), seller);
			assertThat(refused).as(effectiveAt).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(refused).bodyJson().extractingPath("$.errors[0].field").isEqualTo("effectiveAt");
		}
		assertThat(put(PRODUCTS + "/" + id + "/terms", """
				{"terms":"Slightly behind","effectiveAt":"%s"}""".formatted(Instant.now().minusSeconds(60)), seller))
			.hasStatusOk();
		assertThat(get(PRODUCTS + "/" + id, seller)).bodyJson().extractingPath("$.termsVersion").isEqualTo(2);
	}

	@Test
	void publishSetsPublishedAtOnceAndUnpublishKeepsIt() {
		String seller = newSeller();
		String id = createProduct(seller, "Publishable");

		MvcTestResult published = post(PRODUCTS + "/" + id + "/publish", seller);
		String publishedAt = read(published, "$.publishedAt");
		MvcTestResult unpublished = post(PRODUCTS + "/" + id + "/unpublish", seller);
		MvcTestResult republished = post(PRODUCTS + "/" + id + "/publish", seller);

		assertThat(published).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("PUBLISHED");
		assertThat(unpublished).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("UNPUBLISHED");
		assertThat(republished).bodyJson().extractingPath("$.publishedAt").isEqualTo(publishedAt);
		assertThat(republished).bodyJson().extractingPath("$.version").isEqualTo(4);
	}

	/**
	 * DRAFT → PUBLISHED ⇄ UNPUBLISHED: a draft was never in the catalog, so unpublishing
	 * it changes nothing (it stays a draft, listed as one, and no event goes out).
	 */
	@Test
	void unpublishingADraftLeavesItADraft() {
		String seller = newSeller();
		String id = createProduct(seller, "Never published");

		MvcTestResult unpublished = post(PRODUCTS + "/" + id + "/unpublish", seller);

		assertThat(unpublished).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("DRAFT");
		assertThat(unpublished).bodyJson().extractingPath("$.version").isEqualTo(1);
		assertThat(get(PRODUCTS + "?status=DRAFT", seller)).bodyJson()
			.extractingPath("$.content[*].id")
			.asArray()
			.contains(id);
	}

	@Test
	void staleIfMatchOnPublishOrDeleteIs412AndWildcardMatches() {
		String seller = newSeller();
		String id = createProduct(seller, "Guarded");

		assertThat(this.mvc.post()
			.uri(PRODUCTS + "/" + id + "/publish")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + seller)
			.header(HttpHeaders.IF_MATCH, "\"2\"")).hasStatus(HttpStatus.PRECONDITION_FAILED);
		assertThat(this.mvc.delete()
			.uri(PRODUCTS + "/" + id)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + seller)
			.header(HttpHeaders.IF_MATCH, "\"0\"")).hasStatus(HttpStatus.PRECONDITION_FAILED);
		assertThat(get(PRODUCTS + "/" + id, seller)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.status")
			.isEqualTo("DRAFT");
		assertThat(put(PRODUCTS + "/" + id, productJson("Any version"), seller, "*")).hasStatusOk();
	}

	@Test
	void deleteIsSoftAndHidesTheProduct() {
		String seller = newSeller();
		String id = createProduct(seller, "Doomed");

		assertThat(delete(PRODUCTS + "/" + id, seller)).hasStatus(HttpStatus.NO_CONTENT);

		assertThat(get(PRODUCTS + "/" + id, seller)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(delete(PRODUCTS + "/" + id, seller)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(post(PRODUCTS + "/" + id + "/publish", seller)).hasStatus(HttpStatus.NOT_FOUND);
	}

}
