package com.moa.auth.user;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * The password was changed by another request after this one checked the current
 * password; nothing of this request was applied.
 */
class ConcurrentPasswordChangeException extends ApiProblemException {

	ConcurrentPasswordChangeException() {
		super(HttpStatus.CONFLICT, "password-changed-concurrently", "Password changed concurrently",
				"The password was changed by another request meanwhile; nothing was changed");
	}

}
