package com.moa.auth.user;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * Signup with an email that already has an account (compared case-insensitively).
 */
class EmailTakenException extends ApiProblemException {

	EmailTakenException() {
		super(HttpStatus.CONFLICT, "email-taken", "Email taken", "An account with this email already exists");
	}

}
