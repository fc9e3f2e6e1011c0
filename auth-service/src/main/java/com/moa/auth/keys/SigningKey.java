package com.moa.auth.keys;

import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;

/**
 * One RSA key: its id, public half and, when this service can sign with it, private half.
 *
 * @param kid the key id
 * @param publicKey the public key (published in the JWKS)
 * @param privateKey the private key, or {@code null} for a verify-only key
 */
public record SigningKey(String kid, RSAPublicKey publicKey, RSAPrivateKey privateKey) {

	public boolean canSign() {
		return this.privateKey != null;
	}

}
