package com.moa.seller.product;

import java.util.UUID;

import com.moa.platform.web.ApiProblemException;

import org.springframework.http.HttpStatus;

/**
 * Another request changed the product between reading and writing it (409); the client
 * reloads and retries.
 */
class ConcurrentChangeException extends ApiProblemException {

	ConcurrentChangeException(UUID id) {
		super(HttpStatus.CONFLICT, "concurrent-modification", "Concurrent modification",
				"Product " + id + " was changed by another request; reload it and try again");
	}

}
