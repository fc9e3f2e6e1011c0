package com.moa.lookup.search;

import java.sql.Connection;
import java.sql.Statement;
import java.text.Normalizer;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.moa.lookup.LookupIntegrationTestSupport;
import com.moa.platform.testing.TestEventQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code search.performed}: published for {@code q} searches by signed-in users, with the
 * normalized keyword and the result count; never for anonymous searches, plain browsing
 * or the further pages of a search.
 */
class SearchPerformedIntegrationTests extends LookupIntegrationTestSupport {

	@Autowired
	AmqpAdmin admin;

	@Test
	void signedInSearchIsPublishedAnonymousOneIsNot() {
		String token = uniqueToken();
		Product product = product("Yoga mat " + token);
		publishAndAwait(product);
		String queue = "test.search-performed." + token;
		TestEventQueue.bind(this.admin, this.rabbit, queue, "search.performed");
		UUID userId = UUID.randomUUID();
		String bearer = "Bearer " + signer.token(userId, "CONSUMER");

		assertThat(this.mvc.get().uri("/api/products?q=anonymous " + token).exchange()).hasStatusOk();
		assertThat(this.mvc.get().uri("/api/products").header("Authorization", bearer).exchange()).hasStatusOk();
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		assertThat(this.mvc.get()
			.uri("/api/products?q={q}", "  YOGA   Mat " + token.toUpperCase() + " ")
			.header("Authorization", bearer)
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.exchange()).hasStatusOk();
		// Scrolling its results is not another search.
		assertThat(this.mvc.get()
			.uri("/api/products?q={q}&page=1", "yoga mat " + token)
			.header("Authorization", bearer)
			.exchange()).hasStatusOk();

		// Events leave in order, so the first one here is the signed-in search's.
		Message first = this.rabbit.receive(queue, 10_000);
		assertThat(first).isNotNull();
		JsonNode envelope = TestEventQueue.envelope(first);
		assertThat(envelope.path("type").asString()).isEqualTo("search.performed");
		assertThat(envelope.path("source").asString()).isEqualTo("lookup-service");
		assertThat(envelope.path("subject").asString()).isEqualTo(userId.toString());
		JsonNode data = envelope.path("data");
		assertThat(data.path("userId").asString()).isEqualTo(userId.toString());
		assertThat(data.path("keyword").asString()).isEqualTo("yoga mat " + token);
		assertThat(data.path("resultCount").asLong()).isEqualTo(1);
		assertThat(data.path("time").asString()).isNotBlank();
		// Published off the request thread, yet in the request's trace.
		assertThat((String) first.getMessageProperties().getHeader("traceparent")).startsWith("00-" + traceId + "-");
		assertThat(this.rabbit.receive(queue, 1_000)).isNull();
	}

	/**
	 * A search typed as jamo (NFD) is recorded as the precomposed (NFC) keyword, the one
	 * a precomposed search records, and counts a title stored as jamo among its results.
	 */
	@Test
	void decomposedSearchIsPublishedAsTheComposedKeyword() {
		String token = uniqueToken();
		Product product = product(Normalizer.normalize("요가 매트 " + token, Normalizer.Form.NFD));
		publishAndAwait(product);
		String queue = "test.search-performed." + token;
		TestEventQueue.bind(this.admin, this.rabbit, queue, "search.performed");
		UUID userId = UUID.randomUUID();

		assertThat(this.mvc.get()
			.uri("/api/products?q={q}", Normalizer.normalize("요가 매트 ", Normalizer.Form.NFD) + token)
			.header("Authorization", "Bearer " + signer.token(userId, "CONSUMER"))
			.exchange()).hasStatusOk();

		Message event = this.rabbit.receive(queue, 10_000);
		assertThat(event).isNotNull();
		JsonNode data = TestEventQueue.envelope(event).path("data");
		assertThat(data.path("keyword").asString()).isEqualTo("요가 매트 " + token)
			.isNotEqualTo(Normalizer.normalize("요가 매트 " + token, Normalizer.Form.NFD));
		assertThat(data.path("resultCount").asLong()).isEqualTo(1);
	}

	/**
	 * Browse latency is unaffected: with the outbox table locked, so that storing the
	 * event has to wait, a signed-in search still answers; the event follows once the
	 * lock is gone.
	 */
	@Test
	void searchDoesNotWaitForItsEventToBeStored() throws Exception {
		String token = uniqueToken();
		Product product = product("Locked outbox " + token);
		publishAndAwait(product);
		String queue = "test.search-performed." + token;
		TestEventQueue.bind(this.admin, this.rabbit, queue, "search.performed");
		UUID userId = UUID.randomUUID();
		String bearer = "Bearer " + signer.token(userId, "CONSUMER");

		try (Connection blocker = this.dataSource.getConnection()) {
			blocker.setAutoCommit(false);
			try (Statement statement = blocker.createStatement()) {
				statement.execute("LOCK TABLE event_outbox IN ACCESS EXCLUSIVE MODE");
			}
			CompletableFuture<MvcTestResult> search = CompletableFuture.supplyAsync(
					() -> this.mvc.get().uri("/api/products?q=" + token).header("Authorization", bearer).exchange());
			// Were the outbox write on the request path, this would wait for the lock.
			assertThat(search.get(5, TimeUnit.SECONDS)).hasStatusOk()
				.bodyJson()
				.extractingPath("$.totalElements")
				.isEqualTo(1);
			blocker.rollback();
		}

		Message event = this.rabbit.receive(queue, 10_000);
		assertThat(event).isNotNull();
		assertThat(TestEventQueue.envelope(event).path("subject").asString()).isEqualTo(userId.toString());
	}

	@Test
	void overlongQueryIsRejected() {
		assertThat(this.mvc.get().uri("/api/products?q=" + "a".repeat(301)).exchange()).hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("q");
		assertThat(this.mvc.get().uri("/api/products?q=" + "a".repeat(300)).exchange()).hasStatusOk();
		// The limit counts the normalized (NFC) text: 300 syllables typed as jamo are
		// 900 characters before and 300 after.
		String decomposed = Normalizer.normalize("각".repeat(300), Normalizer.Form.NFD);
		assertThat(decomposed).hasSize(900);
		assertThat(this.mvc.get().uri("/api/products?q={q}", decomposed).exchange()).hasStatusOk();
		assertThat(this.mvc.get().uri("/api/products?q={q}", decomposed + "ㄱ").exchange()).hasStatus(400);
	}

	/**
	 * Any product title is a q (search suggestions offer titles): one of 100 characters
	 * that normalizes to more than a keyword's 100 finds its product, and is not recorded
	 * as a keyword (keywords are 1..100 characters).
	 */
	@Test
	void aTitleThatNormalizesLongerThanAKeywordIsStillSearchable() {
		String token = uniqueToken();
		// U+FB2C (a Hebrew presentation form) composes to three characters in NFC.
		String title = "\uFB2C".repeat(40) + " " + token;
		assertThat(title.length()).isLessThanOrEqualTo(100);
		assertThat(SearchEvents.normalize(title).length()).isGreaterThan(100);
		Product product = product(title);
		publishAndAwait(product);
		String queue = "test.search-performed." + token;
		TestEventQueue.bind(this.admin, this.rabbit, queue, "search.performed");

		MvcTestResult result = this.mvc.get()
			.uri("/api/products?q={q}", title)
			.header("Authorization", "Bearer " + signer.token(UUID.randomUUID(), "CONSUMER"))
			.exchange();

		assertThat(result).hasStatusOk();
		assertThat(read(result, "$.content[*].id").toString()).contains(product.id.toString());
		assertThat(this.rabbit.receive(queue, 1500)).isNull();
	}

	@Test
	void keywordsAreNormalized() {
		assertThat(SearchEvents.normalize("  Netflix \t 프리미엄\u3000 구독\n ")).isEqualTo("netflix 프리미엄 구독");
		assertThat(SearchEvents.normalize("\u1106\u1175\u11af\u110f\u1175\u11ba")).isEqualTo("밀킷");
	}

}
