package com.moa.auth.login;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * Wrong password or unknown email: one answer for both, so accounts can't be enumerated.
 */
class InvalidCredentialsException extends ApiProblemException {

	InvalidCredentialsException() {
		super(HttpStatus.UNAUTHORIZED, "invalid-credentials", "Invalid credentials",
				"The email or password is not correct");
	}

}
