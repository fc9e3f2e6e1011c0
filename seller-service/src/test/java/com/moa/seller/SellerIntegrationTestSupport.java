package com.moa.seller;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import com.moa.platform.events.EventTopology;
import com.moa.platform.testing.JwksServer;
import com.moa.platform.testing.TestJwts;
import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * One shared application context on a fresh real PostgreSQL database and a RabbitMQ
 * virtual host of its own (the outbox relay publishes there). Access tokens are signed
 * with a test key that a real local JWKS server publishes, standing in for auth-service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@Import({ TestPostgres.class, TestRabbit.class })
public abstract class SellerIntegrationTestSupport {

	protected static final String PRODUCTS = "/api/seller/products";

	protected static final TestJwts signer = TestJwts.withNewKey("seller-tests");

	// Lives as long as the JVM: the shared context keeps using it across test classes.
	private static final JwksServer jwks = new JwksServer(signer.jwksJson());

	@Autowired
	protected MockMvcTester mvc;

	@Autowired
	protected RabbitTemplate rabbit;

	@Autowired
	protected JsonMapper json;

	@DynamicPropertySource
	static void jwkSetUri(DynamicPropertyRegistry registry) {
		registry.add("moa.security.jwk-set-uri", jwks::uri);
	}

	/** A token for a new seller. */
	protected static String newSeller() {
		return signer.token(UUID.randomUUID(), "SELLER");
	}

	protected static String productJson(String title) {
		return productJson(title, "Fresh ingredients every week");
	}

	protected static String productJson(String title, String terms) {
		return """
				{"title":"%s","description":"Two dinners for two, every week","category":"MEAL_KIT",
				 "imageUrl":"https://img.example.com/kit.png",
				 "plans":[{"name":"Weekly","billingPeriod":"MONTHLY","price":39000},
				          {"name":"Yearly","billingPeriod":"YEARLY","price":399000}],
				 "terms":"%s"}""".formatted(title, terms);
	}

	protected MvcTestResult create(String token, String json) {
		return send(this.mvc.post().uri(PRODUCTS).contentType(MediaType.APPLICATION_JSON).content(json), token);
	}

	/** Creates a product and returns its id. */
	protected String createProduct(String token, String title) {
		MvcTestResult result = create(token, productJson(title));
		if (result.getResponse().getStatus() != 201) {
			throw new IllegalStateException("create failed: " + body(result));
		}
		return read(result, "$.id");
	}

	protected MvcTestResult get(String path, String token) {
		return send(this.mvc.get().uri(path), token);
	}

	protected MvcTestResult post(String path, String token) {
		return send(this.mvc.post().uri(path), token);
	}

	protected MvcTestResult put(String path, String json, String token) {
		return put(path, json, token, null);
	}

	protected MvcTestResult put(String path, String json, String token, String ifMatch) {
		MockMvcTester.MockMvcRequestBuilder request = this.mvc.put()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.content(json);
		if (ifMatch != null) {
			request.header(HttpHeaders.IF_MATCH, ifMatch);
		}
		return send(request, token);
	}

	protected MvcTestResult delete(String path, String token) {
		return send(this.mvc.delete().uri(path), token);
	}

	private static MvcTestResult send(MockMvcTester.MockMvcRequestBuilder request, String token) {
		if (token != null) {
			request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
		}
		return request.exchange();
	}

	protected static String body(MvcTestResult result) {
		try {
			return result.getResponse().getContentAsString();
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	protected static String read(MvcTestResult result, String path) {
		return JsonPath.read(body(result), path).toString();
	}

	/**
	 * Sends an event to the exchange as its producer would (auth-service for
	 * {@code user.*}, payment-service for the rest seller consumes).
	 * @return the event's id
	 */
	protected UUID publishEvent(String type, Object subject, Object data) {
		UUID id = UUID.randomUUID();
		String source = type.startsWith("user.") ? "auth-service" : "payment-service";
		Map<String, Object> envelope = Map.of("id", id, "source", source, "type", type, "time",
				Instant.now().toString(), "subject", subject, "dataversion", 1, "data", data);
		this.rabbit.send(EventTopology.EXCHANGE, type,
				MessageBuilder.withBody(this.json.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8))
					.setContentType(MessageProperties.CONTENT_TYPE_JSON)
					.build());
		return id;
	}

}
