package com.moa.mail.delivery;

/** The SMTP server could not be reached (or refused our login); the batch went back. */
class SmtpUnreachableException extends RuntimeException {

	SmtpUnreachableException(String message, Throwable cause) {
		super(message, cause);
	}

}
