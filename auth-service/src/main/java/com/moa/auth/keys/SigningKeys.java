package com.moa.auth.keys;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.moa.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * The keys access tokens are signed and verified with. In production they come from
 * configuration; in development one RSA-2048 key is generated on first start and kept in
 * {@code dev_signing_keys}, so restarts don't invalidate issued tokens.
 */
@Component
public class SigningKeys {

	private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

	/** Serializes concurrent first starts of several instances on one database. */
	private static final long DEV_KEY_LOCK = 0x6d6f61_6b6579L;

	private final List<SigningKey> all;

	private final SigningKey active;

	public SigningKeys(AuthProperties properties, Environment environment, JdbcClient jdbc,
			TransactionTemplate transactions, Clock clock) {
		AuthProperties.Signing signing = properties.signing();
		boolean production = environment.acceptsProfiles(Profiles.of("prod"));
		if (signing.keys().isEmpty()) {
			if (production) {
				throw new IllegalStateException("The prod profile requires moa.auth.signing.keys; "
						+ "a generated development key is never used in production");
			}
			this.all = List.of(developmentKey(jdbc, transactions, clock));
		}
		else {
			List<SigningKey> keys = new ArrayList<>();
			for (AuthProperties.Key key : signing.keys()) {
				keys.add(StringUtils.hasText(key.privateKeyPem())
						? PemKeys.fromPrivatePem(key.kid(), key.privateKeyPem())
						: PemKeys.fromPublicPem(key.kid(), requirePublic(key)));
			}
			this.all = List.copyOf(keys);
		}
		this.active = selectActive(this.all, signing.activeKid());
		log.info("Signing access tokens with key {}; {} key(s) published", this.active.kid(), this.all.size());
	}

	/** The key new tokens are signed with. */
	public SigningKey active() {
		return this.active;
	}

	/** Every key whose tokens are accepted. */
	public List<SigningKey> all() {
		return this.all;
	}

	private static String requirePublic(AuthProperties.Key key) {
		if (!StringUtils.hasText(key.publicKeyPem())) {
			throw new IllegalStateException("Signing key " + key.kid() + " needs private-key-pem or public-key-pem");
		}
		return key.publicKeyPem();
	}

	private static SigningKey selectActive(List<SigningKey> keys, String activeKid) {
		if (StringUtils.hasText(activeKid)) {
			return keys.stream()
				.filter((key) -> key.kid().equals(activeKid) && key.canSign())
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(
						"moa.auth.signing.active-kid " + activeKid + " names no key with a private part"));
		}
		List<SigningKey> signing = keys.stream().filter(SigningKey::canSign).toList();
		if (signing.size() != 1) {
			throw new IllegalStateException(
					"Set moa.auth.signing.active-kid: " + signing.size() + " keys have a private part");
		}
		return signing.get(0);
	}

	private static SigningKey developmentKey(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
		return transactions.execute((status) -> {
			jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(DEV_KEY_LOCK).query(Object.class).single();
			List<SigningKey> stored = jdbc
				.sql("SELECT kid, private_key_pem FROM dev_signing_keys ORDER BY created_at DESC LIMIT 1")
				.query((rs, row) -> PemKeys.fromPrivatePem(rs.getString("kid"), rs.getString("private_key_pem")))
				.list();
			if (!stored.isEmpty()) {
				return stored.get(0);
			}
			String kid = "dev-" + UUID.randomUUID();
			String pem = generatePrivatePem();
			jdbc.sql("INSERT INTO dev_signing_keys (kid, private_key_pem, created_at) VALUES (?, ?, ?)")
				.params(kid, pem, OffsetDateTime.now(clock))
				.update();
			log.warn("Generated development signing key {} (never used with the prod profile)", kid);
			return PemKeys.fromPrivatePem(kid, pem);
		});
	}

	private static String generatePrivatePem() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return PemKeys.toPrivatePem(generator.generateKeyPair().getPrivate());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
