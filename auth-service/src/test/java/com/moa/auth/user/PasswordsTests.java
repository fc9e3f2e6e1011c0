package com.moa.auth.user;

import com.moa.auth.AuthProperties;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PasswordsTests {

	@Test
	void hashesWithBcryptAtTheDefaultCostOfTen() {
		Passwords passwords = new Passwords(new AuthProperties(null, null, null, null), new MockEnvironment());

		String hash = passwords.hash("a password");

		assertThat(hash).startsWith("$2a$10$");
		assertThat(passwords.matches("a password", hash)).isTrue();
		assertThat(passwords.matches("another password", hash)).isFalse();
		assertThat(passwords.matchesNothing("a password")).isFalse();
	}

	@Test
	void prodProfileRefusesACostBelowTen() {
		MockEnvironment prod = new MockEnvironment();
		prod.setActiveProfiles("prod");
		AuthProperties cheap = new AuthProperties(null, new AuthProperties.Password(4), null, null);

		assertThatIllegalStateException().isThrownBy(() -> new Passwords(cheap, prod))
			.withMessageContaining("bcrypt-cost");
	}

}
