package com.moa.seller.product;

import java.util.List;

import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid products are rejected with a 400 validation problem naming the field, and
 * nothing is stored.
 */
class ProductValidationIntegrationTests extends SellerIntegrationTestSupport {

	private static final String VALID_PLAN = "{\"name\":\"Monthly\",\"billingPeriod\":\"MONTHLY\",\"price\":9900}";

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					blank title               | title       | "title":"  "
					title over 100 chars      | title       | "title":"TITLE101"
					missing title             | title       | "title":null
					description over 5000     | description | "description":"DESC5001"
					unknown category          | category    | "category":"WEAPONS"
					no plans                  | plans       | "plans":[]
					negative price            | plans[0].price | "plans":[{"name":"M","billingPeriod":"MONTHLY","price":-1}]
					unknown billing period    | plans[0].billingPeriod | "plans":[{"name":"M","billingPeriod":"WEEKLY","price":100}]
					blank plan name           | plans[0].name | "plans":[{"name":"","billingPeriod":"MONTHLY","price":100}]
					blank terms               | terms       | "terms":""
					""")
	void invalidProductIs400WithTheFieldNamed(String rule, String field, String override) {
		String seller = newSeller();
		String json = body(override.replace("TITLE101", "t".repeat(101)).replace("DESC5001", "d".repeat(5001)));

		MvcTestResult create = create(seller, json);

		assertThat(create).as(rule)
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		List<String> fields = com.jayway.jsonpath.JsonPath.read(body(create), "$.errors[*].field");
		assertThat(fields).as(rule).contains(field);
		assertThat(get(PRODUCTS, seller)).bodyJson().extractingPath("$.totalElements").isEqualTo(0);

		String id = createProduct(seller, "Valid");
		MvcTestResult update = put(PRODUCTS + "/" + id, json, seller);
		assertThat(update).as(rule + " on update").hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(get(PRODUCTS + "/" + id, seller)).bodyJson().extractingPath("$.version").isEqualTo(1);
	}

	/** A valid body with one member replaced. */
	private static String body(String override) {
		String name = override.substring(1, override.indexOf('"', 1));
		StringBuilder json = new StringBuilder("{");
		append(json, name, override, "title", "\"title\":\"Valid title\"");
		append(json, name, override, "description", "\"description\":\"Nice\"");
		append(json, name, override, "category", "\"category\":\"BOOKS\"");
		append(json, name, override, "plans", "\"plans\":[" + VALID_PLAN + "]");
		append(json, name, override, "terms", "\"terms\":\"Cancel any time\"");
		json.setLength(json.length() - 1);
		return json.append("}").toString();
	}

	private static void append(StringBuilder json, String overridden, String override, String name, String valid) {
		json.append(name.equals(overridden) ? override : valid).append(',');
	}

}
