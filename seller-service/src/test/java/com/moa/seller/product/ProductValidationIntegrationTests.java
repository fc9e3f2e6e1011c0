package com.moa.seller.product;

import java.util.List;

import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;
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

	/**
	 * Text that {@code @NotBlank} passes but that shows as nothing (Unicode spaces, a
	 * zero-width space, Hangul and Braille blanks), or a bidirectional control that
	 * reorders what follows a one-line field.
	 */
	@ParameterizedTest(name = "{0} in {1}")
	@CsvSource(delimiter = '|', textBlock = """
			no-break space         | title         | \\u00A0
			zero-width space       | title         | \\u200B
			Hangul filler          | title         | \\u3164
			Hangul choseong filler | title         | \\u115F\\u1160
			halfwidth filler       | title         | \\uFFA0 \\u3000
			Braille blank          | title         | \\u2800
			right-to-left override | title         | \\u202EKimchi box
			isolate                | title         | Kimchi \\u2066box
			no-break space         | plans[0].name | \\u00A0
			zero-width space       | plans[0].name | \\u200B\\uFEFF
			Hangul filler          | plans[0].name | \\u3164
			Braille blank          | plans[0].name | \\u2800
			right-to-left override | plans[0].name | \\u202EMonthly
			no-break space         | terms         | \\u00A0\\n\\u00A0
			zero-width space       | terms         | \\u200B
			Hangul filler          | terms         | \\u3164\\u3164
			Braille blank          | terms         | \\u2800
			""")
	void blankLookingOrReorderingTextIs400(String rule, String field, String jsonText) {
		String seller = newSeller();
		String override = switch (field) {
			case "plans[0].name" ->
				"\"plans\":[{\"name\":\"" + jsonText + "\",\"billingPeriod\":\"MONTHLY\",\"price\":1}]";
			default -> "\"" + field + "\":\"" + jsonText + "\"";
		};

		MvcTestResult create = create(seller, body(override));

		assertThat(create).as(rule).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(create).bodyJson().extractingPath("$.errors[*].field").asArray().containsExactly(field);
		if (field.equals("terms")) {
			String id = createProduct(seller, "Valid");
			MvcTestResult terms = put(PRODUCTS + "/" + id + "/terms", "{\"terms\":\"" + jsonText + "\"}", seller);
			assertThat(terms).as(rule + " via terms").hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(get(PRODUCTS + "/" + id, seller)).bodyJson().extractingPath("$.termsVersion").isEqualTo(1);
		}
	}

	/**
	 * Visible text around the invisible characters, and right-to-left marks, are fine.
	 */
	@Test
	void visibleTextWithSpacesAndMarksIsAccepted() {
		String seller = newSeller();
		String json = body("\"title\":\"\\u3000모아\\u00A0박스\\u200F\"").replace("\"name\":\"Monthly\"",
				"\"name\":\"\\u05D7\\u05D5\\u05D3\\u05E9\\u05D9\\u200E\"");

		MvcTestResult create = create(seller, json);

		assertThat(create).hasStatus(HttpStatus.CREATED);
		assertThat(create).bodyJson().extractingPath("$.title").isEqualTo("\u3000모아\u00A0박스\u200F");
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
