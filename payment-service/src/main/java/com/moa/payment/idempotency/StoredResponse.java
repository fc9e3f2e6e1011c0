package com.moa.payment.idempotency;

/**
 * A response as first answered and as replayed: status and JSON body (a subscription, or
 * problem JSON for a status of 400 and above).
 */
public record StoredResponse(int status, String body) {

	public boolean isProblem() {
		return this.status >= 400;
	}

}
