package com.moa.platform.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TestInfrastructureTests {

	@Test
	void testcontainersSettingsCountAsAnEngineOnlyWhenTheyNameOne(@TempDir Path home) throws Exception {
		Path settings = home.resolve(".testcontainers.properties");
		assertThat(TestInfrastructure.namesAnEngine(settings)).isFalse();
		// What Testcontainers writes after a run on a local socket: no engine of its own.
		Files.writeString(settings, "#Modified by Testcontainers\n"
				+ "docker.client.strategy=org.testcontainers.dockerclient.UnixSocketClientProviderStrategy\n");
		assertThat(TestInfrastructure.namesAnEngine(settings)).isFalse();
		Files.writeString(settings, "docker.host=tcp://build-host:2375\n");
		assertThat(TestInfrastructure.namesAnEngine(settings)).isTrue();
		Files.writeString(settings, "tc.host=tcp://127.0.0.1:41293\n");
		assertThat(TestInfrastructure.namesAnEngine(settings)).isTrue();
	}

	@Test
	void missingLocalServerFailsAtOnceWithTheCommandThatFixesIt() throws Exception {
		int closedPort = LocalPorts.closed();
		Instant start = Instant.now();
		assertThatIllegalStateException()
			.isThrownBy(() -> TestInfrastructure.requireReachable("PostgreSQL", "127.0.0.1", closedPort))
			.withMessageContaining("PostgreSQL is not reachable at 127.0.0.1:" + closedPort)
			.withMessageContaining("./moa infra");
		assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void uniqueNamesAreDistinctAndOnlyOldOnesAreStale() {
		String name = TestInfrastructure.uniqueName("moa_test");
		assertThat(name).matches("moa_test_\\d{14}_[0-9a-z]+");
		assertThat(TestInfrastructure.uniqueName("moa_test")).isNotEqualTo(name);
		assertThat(TestInfrastructure.isStale(name, "moa_test", 6)).isFalse();
		assertThat(TestInfrastructure.isStale("moa_test_20200101000000_abc", "moa_test", 6)).isTrue();
		assertThat(TestInfrastructure.isStale("moa_test_notatime_abc", "moa_test", 6)).isFalse();
	}

}
