package com.moa.platform.testing;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LocalPortsTests {

	@Test
	void aClosedPortRefusesConnectionsAndNoServerCanTakeIt() {
		int port = LocalPorts.closed();

		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> LocalPorts.listen(port).close());
	}

	@Test
	void freePortsAreBelowTheEphemeralRange() throws Exception {
		String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
		int ephemeralStart = Integer.parseInt(range.split("\\s+")[0]);

		for (int i = 0; i < 20; i++) {
			int port = LocalPorts.free();
			assertThat(port).isBetween(1024, ephemeralStart - 1);
			try (ServerSocket server = LocalPorts.listen(port)) {
				assertThat(server.getLocalPort()).isEqualTo(port);
			}
		}
	}

}
