package com.moa.auth;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

class AuthPropertiesTests {

	@Test
	void productionDefaultsUseBcryptCostOfAtLeastTenAndFifteenMinuteAccessTokens() throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		// Only the shipped application.yml, no test overrides.
		new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
			.forEach(environment.getPropertySources()::addFirst);
		AuthProperties properties = Binder.get(environment).bind("moa.auth", AuthProperties.class).get();

		assertThat(properties.password().bcryptCost()).isGreaterThanOrEqualTo(10);
		assertThat(properties.tokens().accessTokenTtl()).isEqualTo(Duration.ofMinutes(15));
		assertThat(properties.throttle().maxAccountFailures()).isEqualTo(5);
		assertThat(properties.throttle().maxAccountFailuresAllNetworks()).isEqualTo(25);
		assertThat(properties.throttle().maxIpFailures()).isEqualTo(20);
		assertThat(properties.throttle().window()).isEqualTo(Duration.ofMinutes(15));
	}

	@Test
	void missingSettingsFallBackToSafeDefaults() {
		AuthProperties properties = new AuthProperties(null, null, null, null);

		assertThat(properties.password().bcryptCost()).isGreaterThanOrEqualTo(10);
		assertThat(properties.tokens().refreshTokenTtl()).isEqualTo(Duration.ofDays(30));
		assertThat(properties.signing().keys()).isEmpty();
	}

}
