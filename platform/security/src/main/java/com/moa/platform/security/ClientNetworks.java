package com.moa.platform.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * The key a per-client limit counts under: an IPv4 address as it is, an IPv6 address by
 * its /64. A subscriber line gets a whole /64 and could send every request from another
 * address in it, so counting per IPv6 address limits nothing.
 */
public final class ClientNetworks {

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private ClientNetworks() {
	}

	public static String of(InetAddress address) {
		if (!(address instanceof Inet6Address)) {
			return address.getHostAddress();
		}
		byte[] bytes = address.getAddress();
		StringBuilder prefix = new StringBuilder();
		for (int i = 0; i < 8; i += 2) {
			prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
		}
		return prefix.append(":/64").toString();
	}

	/**
	 * The same for an address literal such as {@code ServletRequest.getRemoteAddr()};
	 * anything that is not one is returned as it is.
	 */
	public static String of(String addressLiteral) {
		// Only literals: InetAddress.getByName looks anything else up as a host name
		// (with a colon it is parsed as IPv6 and never looked up).
		if (addressLiteral == null || !(addressLiteral.indexOf(':') >= 0 || IPV4.matcher(addressLiteral).matches())) {
			return addressLiteral;
		}
		try {
			return of(InetAddress.getByName(addressLiteral));
		}
		catch (java.net.UnknownHostException ex) {
			return addressLiteral;
		}
	}

}
