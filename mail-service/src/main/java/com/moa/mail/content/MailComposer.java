package com.moa.mail.content;

import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.moa.mail.MailProperties;
import com.moa.mail.delivery.MailKind;
import com.moa.mail.recipient.Directory.Recipient;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * Renders one mail (subject, HTML, plain text) in the recipient's language from the
 * templates under {@code templates/mail/} and the texts in {@code i18n/mail*.properties}.
 * Thymeleaf escapes every value in the HTML part, so a product called {@code <script>} is
 * shown as text; the plain-text part carries the values as they are.
 */
@Component
public class MailComposer {

	static final Locale KOREAN = Locale.KOREAN;

	private final SpringTemplateEngine engine;

	private final MessageSource messages;

	private final MailProperties properties;

	MailComposer(MessageSource messages, MailProperties properties) {
		this.messages = messages;
		this.properties = properties;
		this.engine = new SpringTemplateEngine();
		// Two resolvers, one per part; their own engine so the web's template settings
		// (there are none here) never change how mail looks.
		this.engine.addTemplateResolver(resolver(TemplateMode.HTML, ".html", 1));
		this.engine.addTemplateResolver(resolver(TemplateMode.TEXT, ".txt", 2));
		this.engine.setTemplateEngineMessageSource(messages);
	}

	private static ClassLoaderTemplateResolver resolver(TemplateMode mode, String suffix, int order) {
		ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
		resolver.setPrefix("templates/mail/");
		resolver.setSuffix(suffix);
		resolver.setResolvablePatterns(Set.of("*" + suffix));
		resolver.setTemplateMode(mode);
		resolver.setCharacterEncoding("UTF-8");
		resolver.setCacheable(true);
		resolver.setOrder(order);
		resolver.setCheckExistence(true);
		return resolver;
	}

	/** The language a recipient reads: English when their locale says so, else Korean. */
	public static Locale localeOf(Recipient recipient) {
		return (recipient.locale() != null && recipient.locale().toLowerCase(Locale.ROOT).startsWith("en"))
				? Locale.ENGLISH : KOREAN;
	}

	/**
	 * Renders a mail.
	 * @param variables the delivery's payload (see {@code MailEvents})
	 */
	public Composed compose(MailKind kind, Recipient recipient, Map<String, Object> variables) {
		Locale locale = localeOf(recipient);
		Context context = new Context(locale);
		context.setVariables(variables);
		context.setVariable("name", recipient.name());
		context.setVariable("webUrl", this.properties.webUrl());
		String title = String.valueOf(variables.getOrDefault("productTitle", ""));
		String version = String.valueOf(variables.get("termsVersion"));
		String subject = this.messages.getMessage(kind.slug() + ".subject", new Object[] { title, version }, locale);
		context.setVariable("subject", subject);
		context.setVariable("body",
				this.messages.getMessage(kind.slug() + ".body", bodyArguments(kind, variables, locale), locale));
		return new Composed(subject, this.engine.process("mail.html", context),
				this.engine.process("mail.txt", context));
	}

	/** What each kind's sentence ({@code <kind>.body} in the bundles) is told. */
	private Object[] bodyArguments(MailKind kind, Map<String, Object> variables, Locale locale) {
		String title = String.valueOf(variables.getOrDefault("productTitle", ""));
		String amount = money(variables.get("price"), variables.get("currency"), locale);
		String periodEnd = date(variables.get("currentPeriodEnd"), locale);
		return switch (kind) {
			case WELCOME -> new Object[0];
			case SUBSCRIPTION_CONFIRMED -> new Object[] { title, amount,
					this.messages.getMessage("period." + variables.get("billingPeriod"), null, "", locale), periodEnd };
			case RENEWAL_RECEIPT -> new Object[] { title, amount, periodEnd };
			case PAYMENT_FAILED -> new Object[] { title, amount, date(variables.get("nextRetryAt"), locale) };
			case RENEWAL_UPCOMING -> new Object[] { title, date(variables.get("renewsAt"), locale), amount };
			case SUBSCRIPTION_CANCELED -> new Object[] { title, date(variables.get("effectiveAt"), locale) };
			case SUBSCRIPTION_RESUMED -> new Object[] { title, periodEnd };
			case SUBSCRIPTION_EXPIRED -> new Object[] { title };
			case TERMS_CHANGED -> new Object[] { title, String.valueOf(variables.get("termsVersion")),
					date(variables.get("effectiveAt"), locale) };
		};
	}

	private String date(Object isoInstant, Locale locale) {
		if (!(isoInstant instanceof String text) || text.isEmpty()) {
			return "";
		}
		try {
			return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
				.withLocale(locale)
				.withZone(ZoneId.of(this.properties.timeZone()))
				.format(Instant.parse(text));
		}
		catch (DateTimeException ex) {
			// Not an instant, or one so far out that its local date has no year
			// (Instant.MAX plus Seoul's 9 hours): the value as the producer wrote it.
			return text;
		}
	}

	/** Prices are in the currency's minor unit (events); KRW has none. */
	private static String money(Object minorUnits, Object currencyCode, Locale locale) {
		if (!(minorUnits instanceof Number amount) || !(currencyCode instanceof String code)) {
			return "";
		}
		try {
			Currency currency = Currency.getInstance(code);
			NumberFormat format = NumberFormat.getCurrencyInstance((locale == KOREAN) ? Locale.KOREA : Locale.US);
			format.setCurrency(currency);
			int digits = Math.max(currency.getDefaultFractionDigits(), 0);
			format.setMinimumFractionDigits(digits);
			format.setMaximumFractionDigits(digits);
			return format.format(java.math.BigDecimal.valueOf(amount.longValue(), digits));
		}
		catch (IllegalArgumentException ex) {
			return amount + " " + code;
		}
	}

	/**
	 * A rendered mail.
	 *
	 * @param html the HTML part
	 * @param text the plain-text alternative
	 */
	public record Composed(String subject, String html, String text) {
	}

}
