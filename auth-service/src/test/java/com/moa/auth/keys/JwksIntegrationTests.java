package com.moa.auth.keys;

import java.math.BigInteger;
import java.util.Base64;

import com.moa.auth.AuthIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

class JwksIntegrationTests extends AuthIntegrationTestSupport {

	@Autowired
	private SigningKeys keys;

	@Test
	void publishesThePublicSigningKeyWithoutPrivateParts() {
		MvcTestResult result = this.mvc.get().uri("/api/auth/.well-known/jwks.json").exchange();

		assertThat(result).hasStatus(HttpStatus.OK);
		SigningKey active = this.keys.active();
		assertThat(result).bodyJson().extractingPath("$.keys.length()").isEqualTo(1);
		assertThat(result).bodyJson().extractingPath("$.keys[0].kty").isEqualTo("RSA");
		assertThat(result).bodyJson().extractingPath("$.keys[0].kid").isEqualTo(active.kid());
		assertThat(result).bodyJson().extractingPath("$.keys[0].use").isEqualTo("sig");
		assertThat(result).bodyJson().extractingPath("$.keys[0].alg").isEqualTo("RS256");
		assertThat(new BigInteger(1, Base64.getUrlDecoder().decode(read(result, "$.keys[0].n"))))
			.isEqualTo(active.publicKey().getModulus());
		assertThat(result).bodyJson().extractingPath("$.keys[0].e").isEqualTo("AQAB");
		assertThat(result).bodyJson().doesNotHavePath("$.keys[0].d");
		assertThat(result).bodyJson().doesNotHavePath("$.keys[0].p");
	}

	@Test
	void accessTokensNameTheActiveKid() {
		String email = uniqueEmail();
		signupConsumer(email);
		String header = new String(
				Base64.getUrlDecoder().decode(loginTokens(email, PASSWORD).accessToken().split("\\.")[0]));

		assertThat(header).contains("\"kid\":\"" + this.keys.active().kid() + "\"").contains("\"alg\":\"RS256\"");
	}

}
