package com.moa.lookup.product;

import java.time.Duration;
import java.util.UUID;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.events.EventEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The story end to end, with the bug re-created: a column too narrow for a valid
 * {@code imageUrl} sends the product event to {@code lookup.product-events.dlq}; the
 * operator sees it, with the reason, on {@code /internal/dead-letters} and in the
 * metrics; after the fix, a replay brings the product into the catalog.
 */
class DeadLetterReplayIntegrationTests extends LookupIntegrationTestSupport {

	private static final String DLQ = "lookup.product-events.dlq";

	private static final String OPERATOR_KEY = "dev-operator-key";

	@AfterEach
	void dropTheBug() {
		this.jdbc.sql("ALTER TABLE catalog_products DROP CONSTRAINT IF EXISTS legacy_image_url").update();
	}

	@Test
	void aDeadLetteredProductIsListedWithItsReasonAndReachesTheCatalogWhenReplayedAfterTheFix() {
		// The bug: the old varchar(2000) limit, for new rows only.
		this.jdbc.sql(
				"ALTER TABLE catalog_products ADD CONSTRAINT legacy_image_url CHECK (length(image_url) <= 2000) NOT VALID")
			.update();
		UUID id = UUID.randomUUID();
		String title = "Long image " + uniqueToken();
		Product product = product(title);
		ObjectNode data = product.toJson(this.jsonMapper);
		data.put("productId", id.toString());
		data.put("imageUrl", "https://img.example.com/" + "a".repeat(2048 - 24));
		EventEnvelope event = envelope("product.upserted", id, data);
		send(event);

		String listing = await().atMost(Duration.ofSeconds(15))
			.until(() -> body(internal("/" + DLQ)), (text) -> text.contains(event.id().toString()));
		assertThat(listing).contains("\"type\":\"product.upserted\"", "\"queue\":\"lookup.product-events\"",
				"legacy_image_url");
		assertThat(body(internal(""))).contains("\"queue\":\"" + DLQ + "\"");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> body(this.mvc.get().uri("/actuator/prometheus").exchange()).matches(
					"(?s).*moa_events_dead_letters\\{[^}]*queue=\"" + DLQ.replace(".", "\\.") + "\"[^}]*} [1-9].*"));
		assertThat(get("/api/products/" + id)).hasStatus(404);

		this.jdbc.sql("ALTER TABLE catalog_products DROP CONSTRAINT legacy_image_url").update();
		MvcTestResult replay = this.mvc.post()
			.uri("/internal/dead-letters/" + DLQ + "/replay")
			.header("X-Operator-Key", OPERATOR_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"messageIds\":[\"" + event.id() + "\"]}")
			.exchange();

		assertThat(replay).hasStatusOk().bodyJson().extractingPath("$.replayed").isEqualTo(1);
		awaitVisible(id, title);
		assertThat(body(internal("/" + DLQ))).doesNotContain(event.id().toString());
	}

	@Test
	void deadLettersNeedTheOperatorKeyAndStayWithinThisServicesQueues() {
		assertThat(this.mvc.get().uri("/internal/dead-letters")).hasStatus(401)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.mvc.get()
			.uri("/internal/dead-letters")
			.header("Authorization", "Bearer " + signer.token(UUID.randomUUID(), "SELLER"))).hasStatus(401);
		assertThat(internal("/seller.view-stats.dlq")).hasStatus(404)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.mvc.post()
			.uri("/internal/dead-letters/" + DLQ + "/discard")
			.header("X-Operator-Key", OPERATOR_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{}")).hasStatus(400);
	}

	private MvcTestResult internal(String path) {
		return this.mvc.get().uri("/internal/dead-letters" + path).header("X-Operator-Key", OPERATOR_KEY).exchange();
	}

}
