package com.moa.auth;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of auth-service ({@code moa.auth.*}). Issuer and audience come from
 * {@code moa.security.*} so that issuing and verifying always agree.
 *
 * @param tokens token lifetimes
 * @param password password hashing
 * @param throttle login throttling
 * @param signing access-token signing keys
 */
@Validated
@ConfigurationProperties("moa.auth")
public record AuthProperties(@Valid Tokens tokens, @Valid Password password, @Valid Throttle throttle,
		@Valid Signing signing) {

	public AuthProperties {
		tokens = (tokens != null) ? tokens : new Tokens(null, null, null);
		password = (password != null) ? password : new Password(null);
		throttle = (throttle != null) ? throttle : new Throttle(null, null, null, null, null);
		signing = (signing != null) ? signing : new Signing(null, null);
	}

	/**
	 * @param accessTokenTtl lifetime of an access token (15 min)
	 * @param refreshTokenTtl lifetime of a refresh token (30 days)
	 * @param maxIssuedPerHour how many refresh tokens (logins and refreshes) one user may
	 * be issued within an hour before a refresh is refused with 429 (60: an app refreshes
	 * a few times an hour per device). Every token is kept until it expires, for reuse
	 * detection, so without a bound one account refreshing in a loop added ~1M rows a
	 * day.
	 */
	public record Tokens(Duration accessTokenTtl, Duration refreshTokenTtl, @Min(1) Integer maxIssuedPerHour) {

		public Tokens {
			accessTokenTtl = (accessTokenTtl != null) ? accessTokenTtl : Duration.ofMinutes(15);
			refreshTokenTtl = (refreshTokenTtl != null) ? refreshTokenTtl : Duration.ofDays(30);
			maxIssuedPerHour = (maxIssuedPerHour != null) ? maxIssuedPerHour : 60;
		}

	}

	/**
	 * @param bcryptCost the BCrypt work factor; the {@code prod} profile requires at
	 * least 10
	 */
	public record Password(@Min(4) @Max(16) Integer bcryptCost) {

		public static final int PRODUCTION_MINIMUM_COST = 10;

		public Password {
			bcryptCost = (bcryptCost != null) ? bcryptCost : PRODUCTION_MINIMUM_COST;
		}

	}

	/**
	 * @param maxAccountFailures failures for one account from one client network within
	 * the window before that network gets 429 for it
	 * @param maxAccountFailuresAllNetworks failures for one account from all networks
	 * within the window before every network gets 429 for it
	 * @param maxIpFailures failures from one client IP within the window before 429
	 * @param window the sliding window failures are counted in
	 * @param pruneInterval how often expired failure records are deleted
	 */
	public record Throttle(@Min(1) Integer maxAccountFailures, @Min(1) Integer maxAccountFailuresAllNetworks,
			@Min(1) Integer maxIpFailures, Duration window, Duration pruneInterval) {

		public Throttle {
			maxAccountFailures = (maxAccountFailures != null) ? maxAccountFailures : 5;
			maxAccountFailuresAllNetworks = (maxAccountFailuresAllNetworks != null) ? maxAccountFailuresAllNetworks
					: 25;
			maxIpFailures = (maxIpFailures != null) ? maxIpFailures : 20;
			window = (window != null) ? window : Duration.ofMinutes(15);
			pruneInterval = (pruneInterval != null) ? pruneInterval : Duration.ofMinutes(10);
		}

	}

	/**
	 * Signing keys. When none are configured (and the {@code prod} profile is not active)
	 * a development key is generated once and stored in the database.
	 *
	 * @param activeKid the key new tokens are signed with; defaults to the only key with
	 * a private part
	 * @param keys every key whose tokens are accepted (published in the JWKS)
	 */
	public record Signing(String activeKid, List<@Valid Key> keys) {

		public Signing {
			keys = (keys != null) ? List.copyOf(keys) : List.of();
		}

	}

	/**
	 * One key: a PKCS#8 RSA private key (its public half is derived), or only an X.509
	 * public key for a retired key whose tokens are still valid.
	 *
	 * @param kid the key id ({@code kid} header)
	 * @param privateKeyPem PEM "PRIVATE KEY"
	 * @param publicKeyPem PEM "PUBLIC KEY"
	 */
	public record Key(@NotBlank String kid, String privateKeyPem, String publicKeyPem) {
	}

}
