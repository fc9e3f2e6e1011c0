package com.moa.mail;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Under {@code prod}, refuses to start with a sender, reply-to or web address in a domain
 * reserved for documentation or local use (RFC 2606, 6761, 6762): the placeholders of the
 * Kubernetes base and the examples, left in place, would have relays refuse every mail
 * (no SPF for them) and links point nowhere, noticed only when users complain.
 * {@code moa.mail.allow-reserved-domains} (MOA_MAIL_ALLOW_RESERVED_DOMAINS) lets a test
 * deployment use them (the compose smoke test).
 */
@Component
class ReservedDomains {

	private static final List<String> RESERVED_DOMAINS = List.of("example.com", "example.net", "example.org");

	private static final List<String> RESERVED_TOP_LEVEL = List.of("example", "test", "invalid", "localhost", "local");

	ReservedDomains(MailProperties properties, Environment environment) {
		if (!environment.acceptsProfiles(Profiles.of("prod"))
				|| environment.getProperty("moa.mail.allow-reserved-domains", Boolean.class, false)) {
			return;
		}
		List<String> reserved = Stream.of(properties.from(), properties.replyTo(), properties.webUrl())
			.filter(ReservedDomains::isReserved)
			.toList();
		if (!reserved.isEmpty()) {
			throw new IllegalStateException("MOA_MAIL_FROM, MOA_MAIL_REPLY_TO and MOA_WEB_URL must name real "
					+ "domains under the prod profile; reserved for examples or local use: " + reserved);
		}
	}

	/**
	 * Whether the address ({@code Name <a@b>}, {@code a@b}) or URL is in a reserved
	 * domain.
	 */
	static boolean isReserved(String addressOrUrl) {
		String host = host(addressOrUrl.strip()).toLowerCase(Locale.ROOT);
		while (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		String domain = host;
		return RESERVED_DOMAINS.stream().anyMatch((name) -> domain.equals(name) || domain.endsWith("." + name))
				|| RESERVED_TOP_LEVEL.stream().anyMatch((name) -> domain.equals(name) || domain.endsWith("." + name));
	}

	private static String host(String addressOrUrl) {
		if (addressOrUrl.contains("://")) {
			String host = URI.create(addressOrUrl).getHost();
			return (host != null) ? host : "";
		}
		String address = addressOrUrl.endsWith(">")
				? addressOrUrl.substring(addressOrUrl.lastIndexOf('<') + 1, addressOrUrl.length() - 1) : addressOrUrl;
		return address.substring(address.lastIndexOf('@') + 1);
	}

}
