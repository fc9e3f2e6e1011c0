package com.moa.gateway.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client address is the last {@code X-Forwarded-For} entry, as an IP literal only.
 */
class FrontProxyHeadersTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "192.0.2.10|192.0.2.10", "198.51.100.1, 192.0.2.10|192.0.2.10",
					"198.51.100.1,192.0.2.10 |192.0.2.10", "192.0.2.10:4711|192.0.2.10", "2001:db8::7|2001:db8::7",
					"198.51.100.1, [2001:db8::7]:4711|2001:db8::7", "[2001:db8::7]|2001:db8::7" })
	void takesTheLastEntry(String header, String expected) throws UnknownHostException {
		assertThat(FrontProxyHeaders.clientAddress(List.of(header))).isEqualTo(InetAddress.getByName(expected));
	}

	@Test
	void takesTheLastEntryOfTheLastLine() throws UnknownHostException {
		assertThat(FrontProxyHeaders.clientAddress(List.of("198.51.100.1, 198.51.100.2", "192.0.2.10")))
			.isEqualTo(InetAddress.getByName("192.0.2.10"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "192.0.2.10, ", "unknown", "localhost", "evil.example.com", "_hidden",
			"192.0.2.999", "192.0.2.10:port" })
	void answersNothingForAnEntryThatIsNoAddress(String header) {
		assertThat(FrontProxyHeaders.clientAddress(List.of(header))).isNull();
	}

	@Test
	void answersNothingWithoutTheHeader() {
		assertThat(FrontProxyHeaders.clientAddress(List.of())).isNull();
	}

}
