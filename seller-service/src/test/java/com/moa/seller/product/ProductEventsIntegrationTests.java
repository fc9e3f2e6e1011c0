package com.moa.seller.product;

import java.time.Instant;
import java.util.UUID;

import com.moa.platform.testing.TestEventQueue;
import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Product changes reach {@code moa.events} on a real RabbitMQ through the outbox, with
 * the payloads of EVENTS.md.
 */
class ProductEventsIntegrationTests extends SellerIntegrationTestSupport {

	private static final String QUEUE = "seller-tests.product-events";

	@Autowired
	AmqpAdmin admin;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	JdbcClient jdbc;

	private TestEventQueue events;

	@BeforeEach
	void bindTestQueue() {
		this.events = TestEventQueue.bind(this.admin, this.rabbit, QUEUE, "product.#");
	}

	@Test
	void createAndPublishSendFullSnapshotsWithIncreasingVersions() {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String id = createProduct(seller, "Snapshot box");
		JsonNode created = this.events.receiveEnvelope(ProductUpserted.TYPE, id);

		assertThat(post(PRODUCTS + "/" + id + "/publish", seller)).hasStatusOk();
		JsonNode published = this.events.receiveEnvelope(ProductUpserted.TYPE, id);

		assertThat(created.get("source").stringValue()).isEqualTo("seller-service");
		assertThat(created.get("data").get("status").stringValue()).isEqualTo("DRAFT");
		assertThat(published.get("subject").stringValue()).isEqualTo(id);
		JsonNode data = published.get("data");
		assertThat(data.get("productId").stringValue()).isEqualTo(id);
		assertThat(data.get("sellerId").stringValue()).isEqualTo(sellerId.toString());
		assertThat(data.has("sellerName")).isTrue();
		assertThat(data.get("title").stringValue()).isEqualTo("Snapshot box");
		assertThat(data.get("description").stringValue()).isEqualTo("Two dinners for two, every week");
		assertThat(data.get("category").stringValue()).isEqualTo("MEAL_KIT");
		assertThat(data.get("imageUrl").stringValue()).isEqualTo("https://img.example.com/kit.png");
		assertThat(data.get("plans")).hasSize(2);
		JsonNode plan = data.get("plans").get(0);
		assertThat(plan.get("id").stringValue()).isNotBlank();
		assertThat(plan.get("name").stringValue()).isEqualTo("Weekly");
		assertThat(plan.get("billingPeriod").stringValue()).isEqualTo("MONTHLY");
		assertThat(plan.get("price").longValue()).isEqualTo(39000);
		assertThat(plan.get("currency").stringValue()).isEqualTo("KRW");
		assertThat(data.get("terms").stringValue()).isEqualTo("Fresh ingredients every week");
		assertThat(data.get("termsVersion").intValue()).isEqualTo(1);
		assertThat(data.get("status").stringValue()).isEqualTo("PUBLISHED");
		assertThat(data.get("publishedAt").stringValue()).isNotBlank();
		assertThat(data.get("updatedAt").stringValue()).isNotBlank();
		assertThat(data.get("version").longValue()).isGreaterThan(created.get("data").get("version").longValue());
	}

	@Test
	void sellerNameComesFromTheTokenWhenItCarriesOne() {
		String seller = signer.token(TestNameClaim.claims("Moa Kitchen"));
		String id = createProduct(seller, "Named");

		assertThat(this.events.receiveEnvelope(ProductUpserted.TYPE, id).get("data").get("sellerName").stringValue())
			.isEqualTo("Moa Kitchen");
	}

	@Test
	void termsChangePublishesTermsChangedAndASnapshotWithTheNewTermsVersion() {
		String seller = newSeller();
		String id = createProduct(seller, "Terms box");
		this.events.receiveEnvelope(ProductUpserted.TYPE, id);

		assertThat(put(PRODUCTS + "/" + id + "/terms", """
				{"terms":"Now with a 7 day trial","effectiveAt":"2030-01-01T00:00:00Z"}""", seller)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.termsVersion")
			.isEqualTo(2);

		JsonNode changed = this.events.receiveEnvelope(ProductTermsChanged.TYPE, id).get("data");
		assertThat(changed.get("productId").stringValue()).isEqualTo(id);
		assertThat(changed.get("title").stringValue()).isEqualTo("Terms box");
		assertThat(changed.get("termsVersion").intValue()).isEqualTo(2);
		assertThat(changed.get("terms").stringValue()).isEqualTo("Now with a 7 day trial");
		assertThat(Instant.parse(changed.get("effectiveAt").stringValue()))
			.isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
		JsonNode snapshot = this.events.receiveEnvelope(ProductUpserted.TYPE, id).get("data");
		assertThat(snapshot.get("termsVersion").intValue()).isEqualTo(2);
	}

	@Test
	void updateThatChangesTermsAlsoPublishesTermsChanged() {
		String seller = newSeller();
		String id = createProduct(seller, "Update terms");

		assertThat(put(PRODUCTS + "/" + id, productJson("Update terms", "Changed in update"), seller)).hasStatusOk();

		assertThat(this.events.receiveEnvelope(ProductTermsChanged.TYPE, id).get("data").get("termsVersion").intValue())
			.isEqualTo(2);
	}

	@Test
	void updateWithoutTermsChangePublishesNoTermsChanged() {
		String seller = newSeller();
		String id = createProduct(seller, "Same terms");

		assertThat(put(PRODUCTS + "/" + id, productJson("Same terms, new title"), seller)).hasStatusOk();

		assertThat(outboxCount(ProductUpserted.TYPE, id)).isEqualTo(2);
		assertThat(outboxCount(ProductTermsChanged.TYPE, id)).isZero();
	}

	/**
	 * Terms sent with Windows line endings (an API client) and edited later in the
	 * dashboard (a browser's text area gives plain line feeds) read the same: no new
	 * terms version, and no mail to every subscriber about a change nobody made.
	 */
	@Test
	void termsThatDifferOnlyInLineEndingsAreNoTermsChange() {
		String seller = newSeller();
		MvcTestResult created = create(seller, productJson("Line endings", "Line one\\r\\nLine two\\rLine three"));
		assertThat(created).hasStatus(HttpStatus.CREATED);
		String id = read(created, "$.id");

		MvcTestResult updated = put(PRODUCTS + "/" + id,
				productJson("Line endings, new title", "Line one\\nLine two\\nLine three"), seller);

		assertThat(updated).hasStatusOk().bodyJson().extractingPath("$.termsVersion").isEqualTo(1);
		assertThat(updated).bodyJson().extractingPath("$.terms").isEqualTo("Line one\r\nLine two\rLine three");
		assertThat(outboxCount(ProductTermsChanged.TYPE, id)).isZero();
		MvcTestResult changed = put(PRODUCTS + "/" + id,
				productJson("Line endings, new title", "Line one\\nLine 2\\nLine three"), seller);
		assertThat(changed).hasStatusOk().bodyJson().extractingPath("$.termsVersion").isEqualTo(2);
		assertThat(outboxCount(ProductTermsChanged.TYPE, id)).isOne();
	}

	@Test
	void deletePublishesProductRemovedWithTheNextVersion() {
		String seller = newSeller();
		String id = createProduct(seller, "Removed box");

		assertThat(delete(PRODUCTS + "/" + id, seller)).hasStatus(HttpStatus.NO_CONTENT);

		JsonNode removed = this.events.receiveEnvelope(ProductRemoved.TYPE, id).get("data");
		assertThat(removed.get("productId").stringValue()).isEqualTo(id);
		assertThat(removed.get("version").longValue()).isEqualTo(2);
	}

	@Test
	void rejectedChangesPublishNothing() {
		String seller = newSeller();
		String id = createProduct(seller, "Stable");

		assertThat(put(PRODUCTS + "/" + id, productJson("Stale"), seller, "\"7\""))
			.hasStatus(HttpStatus.PRECONDITION_FAILED);
		assertThat(put(PRODUCTS + "/" + id, productJson(""), seller)).hasStatus(HttpStatus.BAD_REQUEST);

		assertThat(outboxCount(ProductUpserted.TYPE, id)).isEqualTo(1);
	}

	/**
	 * The next event of the type for the subject; events received while waiting are kept
	 * for later calls (this test's other events) or dropped (other tests' events).
	 */

	private int outboxCount(String type, String productId) {
		return this.jdbc.sql("SELECT count(*) FROM event_outbox WHERE type = ? AND envelope::jsonb ->> 'subject' = ?")
			.params(type, productId)
			.query(Integer.class)
			.single();
	}

	/** Claims of a seller token that carries a display name. */
	static final class TestNameClaim {

		static com.nimbusds.jwt.JWTClaimsSet claims(String name) {
			return com.moa.platform.testing.TestJwts.claims(UUID.randomUUID(), "SELLER").claim("name", name).build();
		}

	}

}
