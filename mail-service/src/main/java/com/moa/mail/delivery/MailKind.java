package com.moa.mail.delivery;

/**
 * What a mail is about. Transactional mail goes out before a terms-change backlog (lower
 * priority value first), so a change mailed to 100,000 subscribers never holds up a
 * welcome or a receipt.
 */
public enum MailKind {

	WELCOME(0), SUBSCRIPTION_CONFIRMED(0), RENEWAL_RECEIPT(0), PAYMENT_FAILED(0), RENEWAL_UPCOMING(0),
	SUBSCRIPTION_CANCELED(0), SUBSCRIPTION_RESUMED(0), SUBSCRIPTION_EXPIRED(0), TERMS_CHANGED(10);

	private final int priority;

	MailKind(int priority) {
		this.priority = priority;
	}

	public int priority() {
		return this.priority;
	}

	/** The template and message key prefix, e.g. {@code terms-changed}. */
	public String slug() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
