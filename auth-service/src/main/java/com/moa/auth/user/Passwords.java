package com.moa.auth.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import com.moa.auth.AuthProperties;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes and checks passwords with BCrypt. The password is SHA-256 pre-hashed first, so
 * BCrypt's 72-byte input limit never truncates or rejects a long (or multi-byte)
 * password.
 */
@Component
public class Passwords {

	private final BCryptPasswordEncoder encoder;

	/** Checked against when the email is unknown, so both failures take as long. */
	private final String dummyHash;

	Passwords(AuthProperties properties, Environment environment) {
		int cost = properties.password().bcryptCost();
		if (cost < AuthProperties.Password.PRODUCTION_MINIMUM_COST
				&& environment.acceptsProfiles(Profiles.of("prod"))) {
			throw new IllegalStateException("moa.auth.password.bcrypt-cost " + cost + " is below "
					+ AuthProperties.Password.PRODUCTION_MINIMUM_COST + ", not allowed with the prod profile");
		}
		this.encoder = new BCryptPasswordEncoder(cost);
		this.dummyHash = hash("not-a-real-password-" + System.nanoTime());
	}

	public String hash(String password) {
		return this.encoder.encode(prehash(password));
	}

	public boolean matches(String password, String hash) {
		return this.encoder.matches(prehash(password), hash);
	}

	/**
	 * Whether the hash was made at a lower cost than the configured one (before
	 * {@code moa.auth.password.bcrypt-cost} was raised): it is replaced at the next
	 * login.
	 */
	public boolean isWeakerThanConfigured(String hash) {
		return this.encoder.upgradeEncoding(hash);
	}

	/** Spends the same time as {@link #matches} without an account; always false. */
	public boolean matchesNothing(String password) {
		this.encoder.matches(prehash(password), this.dummyHash);
		return false;
	}

	private static String prehash(String password) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
