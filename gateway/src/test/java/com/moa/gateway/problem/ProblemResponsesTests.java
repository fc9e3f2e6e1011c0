package com.moa.gateway.problem;

import java.net.ConnectException;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed call to a service is answered with the route's name, and warned of once per
 * route while it keeps failing, not once per request.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProblemResponsesTests {

	private final ProblemResponses problems = new ProblemResponses(JsonMapper.builder().build());

	@Test
	void anUpstreamFailureNamesTheRouteAndIsWarnedOfOncePerRoute(CapturedOutput output) {
		for (int i = 0; i < 3; i++) {
			MockServerWebExchange exchange = failedCall("lookup");
			this.problems.writeUpstreamFailure(exchange, new ConnectException("Connection refused")).block();
			assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"route\":\"lookup\"");
		}
		this.problems.writeUpstreamFailure(failedCall("payment"), null).block();

		assertThat(output.getAll()
			.lines()
			.filter((line) -> line.contains("Route lookup answered 503 for GET /api/x"))
			.filter((line) -> line.contains("Connection refused"))).hasSize(1);
		assertThat(output.getAll().lines().filter((line) -> line.contains("Route payment answered 503"))).hasSize(1);
		assertThat(output.getAll()).doesNotContain("secret").doesNotContain("/fallback/upstream");
	}

	/**
	 * As the breaker forwards it: the request is the fallback's, the client's kept by the
	 * server observation.
	 */
	private static MockServerWebExchange failedCall(String routeId) {
		MockServerHttpRequest client = MockServerHttpRequest.get("/api/x?access_token=secret").build();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/fallback/upstream"));
		exchange.getAttributes()
			.put(ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE,
					new ServerRequestObservationContext(client, exchange.getResponse(), exchange.getAttributes()));
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR,
					Route.async().id(routeId).uri(URI.create("http://localhost:1")).predicate((e) -> true).build());
		return exchange;
	}

}
