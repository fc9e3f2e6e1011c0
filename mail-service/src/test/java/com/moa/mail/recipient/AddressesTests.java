package com.moa.mail.recipient;

import jakarta.mail.internet.AddressException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Addresses as SMTP without SMTPUTF8 carries them: ASCII ones as they are, Unicode
 * domains in punycode, anything else refused before it reaches the transport.
 */
class AddressesTests {

	@Test
	void keepsAsciiAddressesAsTheyAre() throws Exception {
		for (String email : new String[] { "kim@example.com", "\"kim moa\"@example.com", "kim@[127.0.0.1]" }) {
			assertThat(Addresses.ascii(email)).isEqualTo(email);
		}
	}

	@Test
	void writesAnInternationalizedDomainInPunycode() throws Exception {
		assertThat(Addresses.ascii("user@도메인.한국")).isEqualTo("user@xn--hq1bm8jm9l.xn--3e0b707e");
	}

	@Test
	void refusesAnAddressWhosePunycodeIsLongerThanSmtpAllows() throws Exception {
		String label = "가나다라마바사아자차카타파하가나다라마";
		// 64 + 1 + 61 + 1 + 61 + 1 + 52 + 1 + 12 characters in ASCII: the longest there
		// is.
		String longest = "a".repeat(64) + "@" + label + "." + label + "." + label.substring(0, 16) + ".한국";
		assertThat(Addresses.ascii(longest)).hasSize(254).endsWith(".xn--3e0b707e");
		// One more: 255. Each label is within IDN's limit of 63.
		String tooLong = "a".repeat(62) + "@" + label + "." + label + "." + label.substring(0, 17) + ".한국";
		// 127 characters typed, 263 in ASCII.
		String farTooLong = "a".repeat(64) + "@" + label + "." + label + "." + label + ".한국";
		for (String email : new String[] { tooLong, farTooLong, "a".repeat(64) + "@" + "b".repeat(190) }) {
			assertThatExceptionOfType(AddressException.class).isThrownBy(() -> Addresses.ascii(email))
				.withMessageContaining("longer than SMTP allows");
		}
	}

	@Test
	void refusesWhatCannotBeWrittenInAscii() {
		assertThatExceptionOfType(AddressException.class).isThrownBy(() -> Addresses.ascii("걁걂@example.com"))
			.withMessageContaining("address needs SMTPUTF8");
		assertThatExceptionOfType(AddressException.class).isThrownBy(() -> Addresses.ascii("갍@도메인.한국"))
			.withMessageContaining("address needs SMTPUTF8");
		assertThatExceptionOfType(AddressException.class)
			.isThrownBy(() -> Addresses.ascii("kim@" + "가".repeat(60) + ".com"))
			.withMessageContaining("domain");
		assertThatExceptionOfType(AddressException.class).isThrownBy(() -> Addresses.ascii("kim\r@example.com"))
			.withMessageContaining("control character");
		assertThatExceptionOfType(AddressException.class).isThrownBy(() -> Addresses.ascii("kim.example.com"));
	}

}
