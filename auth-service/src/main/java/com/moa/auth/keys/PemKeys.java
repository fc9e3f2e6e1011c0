package com.moa.auth.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads and writes RSA keys as PEM (PKCS#8 private keys, X.509 public keys).
 */
final class PemKeys {

	private PemKeys() {
	}

	static SigningKey fromPrivatePem(String kid, String pem) {
		try {
			KeyFactory factory = KeyFactory.getInstance("RSA");
			if (!(factory.generatePrivate(new PKCS8EncodedKeySpec(decode(pem))) instanceof RSAPrivateCrtKey key)) {
				throw new IllegalStateException("Signing key " + kid + " is not an RSA CRT private key");
			}
			RSAPublicKey publicKey = (RSAPublicKey) factory
				.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
			return new SigningKey(kid, publicKey, key);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalStateException("Signing key " + kid + " is not a PKCS#8 RSA private key PEM", ex);
		}
	}

	static SigningKey fromPublicPem(String kid, String pem) {
		try {
			RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
				.generatePublic(new X509EncodedKeySpec(decode(pem)));
			return new SigningKey(kid, key, null);
		}
		catch (GeneralSecurityException | IllegalArgumentException | ClassCastException ex) {
			throw new IllegalStateException("Signing key " + kid + " is not an X.509 RSA public key PEM", ex);
		}
	}

	static String toPrivatePem(java.security.PrivateKey key) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
			.encodeToString(key.getEncoded());
		return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
	}

	private static byte[] decode(String pem) {
		String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
		return Base64.getDecoder().decode(base64);
	}

}
