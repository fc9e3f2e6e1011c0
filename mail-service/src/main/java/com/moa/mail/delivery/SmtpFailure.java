package com.moa.mail.delivery;

import java.util.regex.Pattern;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * What a failed send means for the mail: never deliverable as it is (a 5xx reply, a
 * malformed address), worth trying again later (a 4xx reply, a dropped session), or
 * nothing at all about the mail because the server could not be reached.
 */
enum SmtpFailure {

	/** A 5xx reply or an address that cannot be written: FAILED, not retried. */
	PERMANENT,

	/**
	 * A 4xx reply: the server asks us to try again later. Counted as an attempt, unless
	 * the server defers every mail of the session at MAIL FROM or at the end of the data
	 * (then it defers us, not the recipient); a reply to RCPT TO about the mailbox always
	 * counts.
	 */
	DEFERRED,

	/** Anything else that may pass (a dropped session): try again later, counting it. */
	TRANSIENT,

	/** The server could not be reached or refused our login: put back, uncounted. */
	UNREACHABLE;

	/** A 4xx/5xx reply whose enhanced status code is about the mailbox (RFC 3463). */
	private static final Pattern MAILBOX = Pattern
		.compile("^[45]\\d\\d[ -][45]\\.(1\\.(1|2|3|6|10)|2\\.\\d{1,3})(?!\\.?\\d)");

	static SmtpFailure of(Throwable failure) {
		boolean deferred = false;
		for (Throwable cause = failure; cause != null; cause = next(cause)) {
			if (cause instanceof MailConnectException || cause instanceof AuthenticationFailedException
					|| cause instanceof java.net.ConnectException) {
				return UNREACHABLE;
			}
			if (cause instanceof AddressException) {
				return PERMANENT;
			}
			int code = replyCode(cause);
			if (code >= 500 && code < 600) {
				return PERMANENT;
			}
			deferred |= code >= 400 && code < 500;
		}
		return deferred ? DEFERRED : TRANSIENT;
	}

	/**
	 * Whether the server refused the recipient's mailbox: a reply to {@code RCPT TO}
	 * whose enhanced status (RFC 3463) is about the address (X.1.1 no such mailbox, X.1.2
	 * no such domain, X.1.3 bad syntax, X.1.6 moved, X.1.10 null MX, X.2.x mailbox full
	 * or disabled), which holds however the rest of the session went. A 421 closes the
	 * session whatever it answers. Any other reply there is not the mailbox's either:
	 * relays answer refusals of <em>us</em> at {@code RCPT TO} too (Postfix delays its
	 * client and sender checks to it: {@code 450 4.1.8 Sender address
	 * rejected}, {@code 554 5.7.1 Relay access denied}, Exim's {@code 550 relay not
	 * permitted} with no enhanced code), and failing each mail at once for them would
	 * fail a whole backlog on a relay misconfigured for an hour; those stay with the
	 * session's rules, as does everything else (a refused {@code MAIL FROM}, a reply to
	 * the end of the data, the connection).
	 */
	static boolean recipientRefused(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = next(cause)) {
			if (cause instanceof SMTPAddressFailedException ex) {
				return ex.getReturnCode() != 421 && MAILBOX.matcher(String.valueOf(ex.getMessage())).find();
			}
		}
		return false;
	}

	/** Angus reports the SMTP reply on these; others carry none. */
	private static int replyCode(Throwable failure) {
		if (failure instanceof SMTPAddressFailedException ex) {
			return ex.getReturnCode();
		}
		if (failure instanceof SMTPSenderFailedException ex) {
			return ex.getReturnCode();
		}
		if (failure instanceof SMTPSendFailedException ex) {
			return ex.getReturnCode();
		}
		return -1;
	}

	/** Jakarta Mail chains the per-address failures through getNextException. */
	private static Throwable next(Throwable failure) {
		if (failure instanceof MessagingException ex && ex.getNextException() != null
				&& ex.getNextException() != failure) {
			return ex.getNextException();
		}
		Throwable cause = failure.getCause();
		return (cause != failure) ? cause : null;
	}

}
