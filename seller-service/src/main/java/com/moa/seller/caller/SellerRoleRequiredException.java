package com.moa.seller.caller;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * A valid token of a role other than SELLER on a seller endpoint (403).
 */
class SellerRoleRequiredException extends ApiProblemException {

	SellerRoleRequiredException() {
		super(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "Only sellers may manage products");
	}

}
