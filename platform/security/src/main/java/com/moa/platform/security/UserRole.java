package com.moa.platform.security;

/**
 * The roles an access token's {@code role} claim may carry.
 */
public enum UserRole {

	CONSUMER, SELLER, ADMIN;

	/** The Spring Security authority for this role, e.g. {@code ROLE_SELLER}. */
	public String authority() {
		return "ROLE_" + name();
	}

}
