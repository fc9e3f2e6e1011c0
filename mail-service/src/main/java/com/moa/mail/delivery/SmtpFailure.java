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
	 * (then it defers us, not the recipient); a reply to RCPT TO about the recipient
	 * always counts.
	 */
	DEFERRED,

	/** Anything else that may pass (a dropped session): try again later, counting it. */
	TRANSIENT,

	/** The server could not be reached or refused our login: put back, uncounted. */
	UNREACHABLE;

	/**
	 * A reply with an enhanced status code of class X.7 (RFC 3463: security or policy).
	 */
	private static final Pattern POLICY = Pattern.compile("^\\d{3}[ -][45]\\.7\\.\\d{1,3}\\b");

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
	 * Whether the server refused the recipient: its reply to {@code RCPT TO}, which is
	 * about that address alone, however the rest of the session went. A 421 is not: it
	 * closes the session, whatever command it answers. Nor is a security or policy
	 * refusal (enhanced status X.7.x: {@code 554 5.7.1 Relay access denied} from a relay
	 * missing our login, {@code 450 4.7.1} throttling): that is about us, and failing
	 * each mail at once for it would fail a whole backlog on a relay misconfigured for an
	 * hour. Everything else (a refused {@code MAIL FROM}, a reply to the end of the data,
	 * the connection) is about the session.
	 */
	static boolean recipientRefused(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = next(cause)) {
			if (cause instanceof SMTPAddressFailedException ex) {
				return ex.getReturnCode() != 421 && !POLICY.matcher(String.valueOf(ex.getMessage())).find();
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
