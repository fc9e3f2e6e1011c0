package com.moa.platform.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientNetworksTests {

	@Test
	void ipv4IsTheAddressAndIpv6ItsSlash64() {
		assertThat(ClientNetworks.of("203.0.113.7")).isEqualTo("203.0.113.7");
		assertThat(ClientNetworks.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
		assertThat(ClientNetworks.of("2001:db8:1:2::1")).isEqualTo(ClientNetworks.of("2001:0db8:0001:0002:ffff::9"));
		assertThat(ClientNetworks.of("2001:db8:1:3::1")).isNotEqualTo(ClientNetworks.of("2001:db8:1:2::1"));
		assertThat(ClientNetworks.of("::1")).isEqualTo("0:0:0:0::/64");
		// An IPv4-mapped IPv6 address is its IPv4 address.
		assertThat(ClientNetworks.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
	}

	@Test
	void whatIsNotAnAddressLiteralIsNeverLookedUp() {
		assertThat(ClientNetworks.of("localhost")).isEqualTo("localhost");
		assertThat(ClientNetworks.of("cafe")).isEqualTo("cafe");
		assertThat(ClientNetworks.of("not:an:address")).isEqualTo("not:an:address");
		assertThat(ClientNetworks.of("")).isEmpty();
		assertThat(ClientNetworks.of((String) null)).isNull();
	}

}
