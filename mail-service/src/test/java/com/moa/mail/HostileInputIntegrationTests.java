package com.moa.mail;

import java.util.List;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every endpoint of mail-service (the internal ones;
 * it has no public API), over real HTTP with the operator key: no input gets a 5xx, every
 * refusal is problem JSON.
 */
class HostileInputIntegrationTests extends MailIntegrationTestSupport {

	@Autowired
	ApplicationContext context;

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key).contains("GET /internal/deliveries");
		HostileInputs kit = HostileInputs.against(this.port).headers(HostileInputs.credentials("none", OPERATOR_KEY));
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(30);
	}

}
