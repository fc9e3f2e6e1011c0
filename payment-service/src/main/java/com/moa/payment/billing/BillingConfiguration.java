package com.moa.payment.billing;

import java.time.Clock;

import com.moa.payment.PaymentProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The billing clock: adjustable by the test clock everywhere but under {@code prod}.
 */
@Configuration(proxyBeanMethods = false)
class BillingConfiguration {

	@Bean
	BillingClock billingClock(Environment environment, PaymentProperties properties) {
		return new BillingClock(Clock.system(properties.billing().timeZone()), !environment.matchesProfiles("prod"));
	}

}
