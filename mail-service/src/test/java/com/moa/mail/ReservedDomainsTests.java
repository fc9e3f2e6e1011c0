package com.moa.mail;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The placeholder sender, reply-to and web address of the Kubernetes base stop
 * mail-service under prod, with what to set; real domains, other profiles and an explicit
 * allowance pass.
 */
class ReservedDomainsTests {

	@Test
	void placeholdersAreRefusedUnderProdOnly() {
		assertThatIllegalStateException()
			.isThrownBy(() -> start("prod", "Moa Subscribe <no-reply@moa.example.com>", "support@moa.example.com",
					"https://moa.example.com", false))
			.withMessageContaining("MOA_MAIL_FROM")
			.withMessageContaining("no-reply@moa.example.com");
		assertThatIllegalStateException()
			.isThrownBy(() -> start("prod", "Moa <no-reply@moa-subscribe.com>", "support@moa-subscribe.local",
					"https://moa-subscribe.com", false))
			.withMessageContaining("support@moa-subscribe.local");

		assertThatNoException().isThrownBy(() -> start("prod", "Moa Subscribe <no-reply@moa-subscribe.com>",
				"support@moa-subscribe.com", "https://moa-subscribe.com/", false));
		assertThatNoException().isThrownBy(() -> start("prod", "Moa Subscribe <no-reply@moa.example.com>",
				"support@moa.example.com", "https://moa.example.com", true));
		assertThatNoException().isThrownBy(() -> start("default", "Moa Subscribe <no-reply@moa-subscribe.local>",
				"support@moa-subscribe.local", "http://localhost:8080", false));
	}

	@Test
	void reservedNamesAreRecognizedInAnyForm() {
		assertThat(ReservedDomains.isReserved("a@EXAMPLE.org.")).isTrue();
		assertThat(ReservedDomains.isReserved("Shop <a@shop.test>")).isTrue();
		assertThat(ReservedDomains.isReserved("http://localhost:8080/x")).isTrue();
		assertThat(ReservedDomains.isReserved("a@notexample.com")).isFalse();
		assertThat(ReservedDomains.isReserved("https://example.com.kr")).isFalse();
	}

	private static void start(String profile, String from, String replyTo, String webUrl, boolean allowed) {
		MockEnvironment environment = new MockEnvironment().withProperty("moa.mail.from", from)
			.withProperty("moa.mail.reply-to", replyTo)
			.withProperty("moa.mail.web-url", webUrl)
			.withProperty("moa.mail.allow-reserved-domains", String.valueOf(allowed));
		environment.setActiveProfiles(profile);
		MailProperties properties = new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate("moa.mail",
				MailProperties.class);
		new ReservedDomains(properties, environment);
	}

}
