package com.moa.seller.product;

import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only sellers reach the API, and a seller never sees or changes another seller's
 * product.
 */
class ProductAccessIntegrationTests extends SellerIntegrationTestSupport {

	@Test
	void anotherSellersProductIs404OnEveryOperation() {
		String owner = newSeller();
		String id = createProduct(owner, "Mine");
		String intruder = newSeller();

		assertThat(get(PRODUCTS + "/" + id, intruder)).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(put(PRODUCTS + "/" + id, productJson("Hijacked"), intruder)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(put(PRODUCTS + "/" + id + "/terms", "{\"terms\":\"mine now\"}", intruder))
			.hasStatus(HttpStatus.NOT_FOUND);
		assertThat(post(PRODUCTS + "/" + id + "/publish", intruder)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(post(PRODUCTS + "/" + id + "/unpublish", intruder)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(delete(PRODUCTS + "/" + id, intruder)).hasStatus(HttpStatus.NOT_FOUND);

		assertThat(get(PRODUCTS + "/" + id, owner)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.title")
			.isEqualTo("Mine");
		assertThat(get(PRODUCTS + "/" + id, owner)).bodyJson().extractingPath("$.version").isEqualTo(1);
	}

	@Test
	void consumerTokenIs403Problem() {
		String consumer = signer.token("CONSUMER");

		assertThat(create(consumer, productJson("Nope"))).hasStatus(HttpStatus.FORBIDDEN)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(get(PRODUCTS, consumer)).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(create(consumer, "{}")).as("role is checked before the body").hasStatus(HttpStatus.FORBIDDEN);
	}

	@Test
	void theFilterChainRefusesOtherRolesOnEverySellerPathEvenUnmappedOnes() {
		String consumer = signer.token("CONSUMER");
		assertThat(get("/api/seller/not-yet-built", consumer)).hasStatus(HttpStatus.FORBIDDEN)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(get("/api/seller/not-yet-built", newSeller())).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void missingTokenIs401Problem() {
		assertThat(get(PRODUCTS, null)).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(create(null, productJson("Anonymous"))).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void forgedTokenIs401() {
		assertThat(get(PRODUCTS, signer.forgedTamperedPayload("SELLER"))).hasStatus(HttpStatus.UNAUTHORIZED);
	}

}
