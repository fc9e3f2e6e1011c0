package com.moa.mail.recipient;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * mail-service's projections: users (address, name, language), who holds which product,
 * product titles and what failed charges asked for. Every write applies only a newer
 * version, so redelivered and reordered events are harmless; mail can be addressed while
 * auth- or payment-service are down.
 */
@Repository
public class Directory {

	private final JdbcClient jdbc;

	Directory(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void storeUser(UUID userId, String email, String name, String locale, long version) {
		this.jdbc.sql("""
				INSERT INTO mail_users (user_id, email, name, locale, version) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,
				    locale = EXCLUDED.locale, version = EXCLUDED.version
				WHERE mail_users.version < EXCLUDED.version""").params(userId, email, name, locale, version).update();
	}

	/**
	 * Applies a subscription's state if it is newer; a live state also moves the time the
	 * subscription is known live since back to the event's time, even when an older event
	 * arrives last (the activation after a past-due). The terms version the subscriber
	 * accepted is kept from the first event that carries one, whichever state it
	 * announces: it is fixed at purchase.
	 * @param acceptedTermsVersion the event's {@code acceptedTermsVersion}, or null
	 * @return whether the live-since time moved earlier or the accepted version became
	 * known: only then can terms changes already processed be due to this subscriber (a
	 * monthly renewal's event changes neither and costs no catch-up query)
	 */
	boolean storeSubscription(UUID subscriptionId, UUID userId, UUID productId, String status, long version,
			Instant time, Integer acceptedTermsVersion) {
		boolean live = status.equals("ACTIVE") || status.equals("PAST_DUE");
		this.jdbc.sql("""
				INSERT INTO mail_subscriptions (subscription_id, user_id, product_id, status, live, version)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (subscription_id) DO UPDATE SET status = EXCLUDED.status, live = EXCLUDED.live,
				    version = EXCLUDED.version
				WHERE mail_subscriptions.version < EXCLUDED.version""")
			.params(subscriptionId, userId, productId, status, live, version)
			.update();
		boolean acceptedLearned = acceptedTermsVersion != null && this.jdbc.sql("""
				UPDATE mail_subscriptions SET accepted_terms_version = ?
				WHERE subscription_id = ? AND accepted_terms_version IS NULL""")
			.params(acceptedTermsVersion, subscriptionId)
			.update() == 1;
		boolean earlier = live && this.jdbc.sql("""
				UPDATE mail_subscriptions SET live_since = ?
				WHERE subscription_id = ? AND (live_since IS NULL OR live_since > ?)""")
			.params(timestamp(time), subscriptionId, timestamp(time))
			.update() == 1;
		// The catch-up itself passes over a subscription that is not live now.
		return earlier || acceptedLearned;
	}

	/**
	 * Whether no newer state of the subscription than this version was applied: a mail
	 * about a change the subscriber has since undone (a cancel then resumed, processed in
	 * the other order by two instances or after a retry) would be their last word.
	 */
	boolean isNewest(UUID subscriptionId, long version) {
		return this.jdbc.sql("SELECT version <= ? FROM mail_subscriptions WHERE subscription_id = ?")
			.params(version, subscriptionId)
			.query(Boolean.class)
			.optional()
			.orElse(true);
	}

	void storeProduct(UUID productId, String title, long version) {
		this.jdbc.sql("""
				INSERT INTO mail_products (product_id, title, version) VALUES (?, ?, ?)
				ON CONFLICT (product_id) DO UPDATE SET title = EXCLUDED.title, version = EXCLUDED.version
				WHERE mail_products.version < EXCLUDED.version""").params(productId, title, version).update();
	}

	/**
	 * Keeps a terms version's text and when it changed; the first arrival of a version
	 * wins (it never changes).
	 */
	void storeTerms(UUID productId, int termsVersion, String title, String terms, String effectiveAt,
			Instant changedAt) {
		this.jdbc.sql("""
				INSERT INTO terms_versions (product_id, terms_version, title, terms, effective_at, changed_at)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (product_id, terms_version) DO NOTHING""")
			.params(productId, termsVersion, title, terms, effectiveAt, timestamp(changedAt))
			.update();
	}

	/** Keeps what a failed charge asked for; a payment's amount never changes. */
	void storeFailedPayment(UUID paymentId, long amount, String currency) {
		this.jdbc.sql("""
				INSERT INTO mail_failed_payments (payment_id, amount, currency) VALUES (?, ?, ?)
				ON CONFLICT (payment_id) DO NOTHING""").params(paymentId, amount, currency).update();
	}

	/** What the failed charge asked for, once its payment.failed event arrived. */
	public Optional<Amount> failedPayment(UUID paymentId) {
		return this.jdbc.sql("SELECT amount, currency FROM mail_failed_payments WHERE payment_id = ?")
			.param(paymentId)
			.query((rs, n) -> new Amount(rs.getLong("amount"), rs.getString("currency")))
			.optional();
	}

	public Optional<Terms> terms(UUID productId, int termsVersion) {
		return this.jdbc
			.sql("SELECT title, terms, effective_at FROM terms_versions WHERE product_id = ? AND terms_version = ?")
			.params(productId, termsVersion)
			.query((rs, n) -> new Terms(rs.getString("title"), rs.getString("terms"), rs.getString("effective_at")))
			.optional();
	}

	public Optional<Recipient> recipient(UUID userId) {
		return this.jdbc.sql("SELECT email, name, locale FROM mail_users WHERE user_id = ?")
			.param(userId)
			.query((rs, n) -> new Recipient(userId, rs.getString("email"), rs.getString("name"),
					rs.getString("locale")))
			.optional();
	}

	public Optional<String> productTitle(UUID productId) {
		return this.jdbc.sql("SELECT title FROM mail_products WHERE product_id = ?")
			.param(productId)
			.query(String.class)
			.optional();
	}

	private static OffsetDateTime timestamp(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	/**
	 * One version of a product's terms, as the change announced it.
	 *
	 * @param effectiveAt ISO-8601, or {@code null}
	 */
	public record Terms(String title, String terms, String effectiveAt) {
	}

	/**
	 * An amount of money.
	 *
	 * @param minorUnits in the currency's minor unit (KRW has none)
	 */
	public record Amount(long minorUnits, String currency) {
	}

	/**
	 * A person mail is addressed to.
	 *
	 * @param locale {@code ko} (default) or {@code en}
	 */
	public record Recipient(UUID userId, String email, String name, String locale) {
	}

}
