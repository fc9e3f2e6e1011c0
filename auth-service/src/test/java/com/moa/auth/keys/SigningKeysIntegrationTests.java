package com.moa.auth.keys;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import com.moa.auth.AuthIntegrationTestSupport;
import com.moa.auth.AuthProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SigningKeysIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	private SigningKeys keys;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private TransactionTemplate transactions;

	@Test
	void developmentKeySurvivesARestart() {
		// A second start against the same database: a new SigningKeys, as a new process
		// would build.
		SigningKeys restarted = new SigningKeys(new AuthProperties(null, null, null, null), new MockEnvironment(),
				this.jdbc, this.transactions, Clock.systemUTC());

		assertThat(restarted.active().kid()).isEqualTo(this.keys.active().kid());
		assertThat(restarted.active().publicKey()).isEqualTo(this.keys.active().publicKey());
		assertThat(this.jdbc.sql("SELECT count(*) FROM dev_signing_keys").query(Long.class).single()).isEqualTo(1);
	}

	@Test
	void prodProfileRefusesToStartWithoutConfiguredKeys() {
		MockEnvironment prod = new MockEnvironment();
		prod.setActiveProfiles("prod");

		assertThatIllegalStateException()
			.isThrownBy(() -> new SigningKeys(new AuthProperties(null, null, null, null), prod, this.jdbc,
					this.transactions, Clock.systemUTC()))
			.withMessageContaining("moa.auth.signing.keys");
	}

	@Test
	void configuredKeysAreAllPublishedAndTheActiveOneSigns() throws Exception {
		MockEnvironment prod = new MockEnvironment();
		prod.setActiveProfiles("prod");
		KeyPair current = rsa();
		KeyPair retired = rsa();
		AuthProperties.Signing signing = new AuthProperties.Signing("k2",
				List.of(new AuthProperties.Key("k1", null, publicPem(retired)),
						new AuthProperties.Key("k2", PemKeys.toPrivatePem(current.getPrivate()), null)));

		SigningKeys configured = new SigningKeys(new AuthProperties(null, null, null, signing), prod, this.jdbc,
				this.transactions, Clock.systemUTC());

		assertThat(configured.active().kid()).isEqualTo("k2");
		assertThat(configured.active().publicKey()).isEqualTo(current.getPublic());
		assertThat(configured.all()).extracting(SigningKey::kid).containsExactly("k1", "k2");
		assertThat(configured.all().get(0).canSign()).isFalse();
	}

	private static KeyPair rsa() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	private static String publicPem(KeyPair pair) {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

}
