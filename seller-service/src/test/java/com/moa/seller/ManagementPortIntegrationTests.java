package com.moa.seller;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As under prod (every service alike): the actuator on a management port of its own,
 * where Prometheus answers without a token; the service's port keeps {@code /livez} and
 * {@code /readyz} and has no actuator.
 */
@TestPropertySource(properties = "management.server.port=0")
class ManagementPortIntegrationTests extends SellerIntegrationTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalManagementPort
	int managementPort;

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void metricsArePulledNotPushedToAnAbsentCollector() {
		assertThat(this.context.getBeanNamesForType(PrometheusMeterRegistry.class)).hasSize(1);
		assertThat(this.context.getBeanNamesForType(OtlpMeterRegistry.class)).isEmpty();
	}

	@Test
	void prometheusOnTheManagementPortWithoutAToken() throws Exception {
		HttpResponse<String> metrics = get(this.managementPort, "/actuator/prometheus");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("jvm_memory_used_bytes");
	}

	@Test
	void servicePortHasTheProbesButNoActuator() throws Exception {
		assertThat(get(this.port, "/readyz").statusCode()).isEqualTo(200);
		assertThat(get(this.port, "/livez").statusCode()).isEqualTo(200);
		assertThat(get(this.port, "/actuator/prometheus").statusCode()).isEqualTo(404);
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
