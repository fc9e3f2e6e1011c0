package com.moa.seller;

import java.util.List;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every endpoint of seller-service, over real HTTP,
 * with a seller's token and an existing product of that seller as {@code {id}}, so the
 * attacks reach validation, the database and the outbox: no input gets a 5xx, and every
 * refusal is problem JSON.
 */
class HostileInputIntegrationTests extends SellerIntegrationTestSupport {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		String seller = newSeller();
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key)
			.contains("POST /api/seller/products", "GET /api/seller/products", "GET /api/seller/products/{id}",
					"PUT /api/seller/products/{id}", "POST /api/seller/products/{id}/publish",
					"POST /api/seller/products/{id}/unpublish", "PUT /api/seller/products/{id}/terms",
					"DELETE /api/seller/products/{id}");
		HostileInputs kit = HostileInputs.against(this.port)
			.headers(HostileInputs.credentials(seller, "dev-operator-key"))
			// A fresh product per attack: publish, delete and terms changes use them up.
			.pathSample("id", () -> createProduct(seller, "Hostile target"))
			.bodySample("POST /api/seller/products", productJson("Hostile"))
			.bodySample("PUT /api/seller/products/{id}", productJson("Hostile"));
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(300);
	}

}
