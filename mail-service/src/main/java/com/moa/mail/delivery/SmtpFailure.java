package com.moa.mail.delivery;

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
	 * the server defers every mail of the session (then it defers us, not the recipient).
	 */
	DEFERRED,

	/** Anything else that may pass (a dropped session): try again later, counting it. */
	TRANSIENT,

	/** The server could not be reached or refused our login: put back, uncounted. */
	UNREACHABLE;

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
