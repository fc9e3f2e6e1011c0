package com.moa.mail.delivery;

/**
 * The SMTP server could not be reached, refused our login or deferred every mail of a
 * session; the batch went back uncounted.
 */
class SmtpUnreachableException extends RuntimeException {

	SmtpUnreachableException(String message, Throwable cause) {
		super(message, cause);
	}

}
