package com.moa.platform.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * An in-process SMTP server (GreenMail) for the test context; inject the
 * {@link GreenMail} bean to read what was really received. {@code spring.mail.host}/
 * {@code port} point at a {@link TcpProxy} in front of it (the {@code smtpProxy} bean):
 * {@link TcpProxy#cut() cut} it to take SMTP away without losing what arrived.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestSmtp {

	@Bean(destroyMethod = "stop")
	GreenMail greenMail() {
		GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
		greenMail.start();
		return greenMail;
	}

	@Bean
	TcpProxy smtpProxy(GreenMail greenMail) {
		return new TcpProxy("127.0.0.1", greenMail.getSmtp().getPort());
	}

	@Bean
	DynamicPropertyRegistrar testSmtpProperties(TcpProxy smtpProxy) {
		return (registry) -> {
			registry.add("spring.mail.host", () -> "127.0.0.1");
			registry.add("spring.mail.port", smtpProxy::port);
		};
	}

}
