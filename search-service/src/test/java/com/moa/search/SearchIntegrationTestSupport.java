package com.moa.search;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.mongodb.ConnectionString;
import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.MovableClock;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestMongo;
import com.moa.platform.testing.TestRabbit;
import org.bson.Document;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.awaitility.Awaitility.await;

/**
 * search-service on a MongoDB database of its own (reached through a {@link TcpProxy},
 * cut for outages), a RabbitMQ vhost, and a clock tests move. Searches arrive as real
 * {@code search.performed} events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "moa.search.mongo-timeout=1s" })
@AutoConfigureMockMvc
@Import({ TestRabbit.class, SearchTestInfrastructure.class })
public abstract class SearchIntegrationTestSupport {

	/**
	 * {@code moa.search.popular-min-searchers}' default: distinct users a keyword needs
	 * before it is popular or suggested.
	 */
	protected static final int MIN_SEARCHERS = 3;

	protected static final TestJwts signer = TestJwts.withNewKey("search-tests");

	private static final JwksServer jwks = new JwksServer(signer.jwksJson());

	@Autowired
	protected MockMvcTester mvc;

	@Autowired
	protected RabbitTemplate rabbit;

	@Autowired
	protected JsonMapper jsonMapper;

	@Autowired
	protected MongoTemplate mongo;

	@Autowired
	protected TcpProxy mongoProxy;

	@Autowired
	protected MovableClock clock;

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	protected static String token(UUID userId) {
		return signer.token(userId, "CONSUMER");
	}

	// Per test: JUnit makes an instance per test method.
	private final List<UUID> searchesSent = new ArrayList<>();

	/**
	 * Publishes {@code search.performed} as lookup-service does; returns the event id.
	 */
	protected UUID searched(UUID userId, String keyword, Instant time) {
		UUID eventId = UUID.randomUUID();
		send(eventId, "search.performed", userId,
				Map.of("userId", userId, "keyword", keyword, "resultCount", 3, "time", time.toString()));
		this.searchesSent.add(eventId);
		return eventId;
	}

	/**
	 * The keyword searched once by each of that many new users (enough of them make it
	 * public); returns the last event id.
	 */
	protected UUID searchedByNewUsers(int users, String keyword, Instant time) {
		UUID last = null;
		for (int i = 0; i < users; i++) {
			last = searched(UUID.randomUUID(), keyword, time);
		}
		return last;
	}

	protected void send(UUID eventId, String type, UUID subject, Object data) {
		Map<String, Object> envelope = Map.of("id", eventId, "source", "test", "type", type, "time", Instant.now(),
				"subject", subject, "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, type,
				MessageBuilder.withBody(this.jsonMapper.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
	}

	/**
	 * Waits until search-service has processed the event: its record is marked done (it
	 * exists, not done, from the moment an attempt claims the event).
	 */
	protected void awaitProcessed(String queue, UUID eventId) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Document record = this.mongo.findById(queue + ":" + eventId, Document.class, "processed_events");
			return record != null && Boolean.TRUE.equals(record.get("done"));
		});
	}

	/**
	 * Waits until search-service has processed the event and every search this test sent
	 * before it: four consumers apply events in any order, so the last one done says
	 * nothing about the others.
	 */
	protected void awaitSearch(UUID eventId) {
		for (UUID sent : this.searchesSent) {
			awaitProcessed("search.search-events", sent);
		}
		awaitProcessed("search.search-events", eventId);
	}

	/** {@code uri} is sent as written (already encoded; no template expansion). */
	protected MvcTestResult get(String uri, String token) {
		var request = this.mvc.get().uri(java.net.URI.create(uri));
		if (token != null) {
			request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
		}
		return request.exchange();
	}

	/** The keywords of the caller's history, newest first. */
	protected List<String> history(UUID userId) {
		return JsonPath.read(body(get("/api/search/history?limit=50", token(userId))), "$[*].keyword");
	}

	protected static String body(MvcTestResult result) {
		try {
			return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
		}
		catch (java.io.UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
