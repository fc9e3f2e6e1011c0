package com.moa.auth.token;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * A refresh token that is unknown, expired, spent or revoked.
 */
class InvalidRefreshTokenException extends ApiProblemException {

	InvalidRefreshTokenException() {
		super(HttpStatus.UNAUTHORIZED, "invalid-refresh-token", "Invalid refresh token",
				"The refresh token is not valid; sign in again");
	}

}
