package com.moa.mail.recipient;

import java.net.IDN;

import jakarta.mail.internet.AddressException;

/**
 * Email addresses as SMTP carries them without SMTPUTF8, which mail-service does not use:
 * auth-service accepted any Unicode address before it refused non-ASCII local parts
 * (older accounts may have one), and Angus Mail writes each character of an envelope
 * address as its low byte ({@code 걁걂@example.com} went to {@code AB@example.com}, and a
 * {@code 갍} became a CR that broke the session).
 */
public final class Addresses {

	/**
	 * The longest address SMTP carries: a path is at most 256 octets with its angle
	 * brackets (RFC 5321, 4.5.3.1.3). The delivery log's column is as wide.
	 */
	static final int MAX_LENGTH = 254;

	private Addresses() {
	}

	/**
	 * The address with an internationalized domain in its ASCII (punycode) form.
	 * @throws AddressException when it cannot be written in ASCII (a non-ASCII local part
	 * needs SMTPUTF8) or is longer than SMTP allows, so it is never handed to the
	 * transport
	 */
	public static String ascii(String email) throws AddressException {
		int at = email.lastIndexOf('@');
		if (at < 0) {
			throw new AddressException("address has no domain");
		}
		for (int i = 0; i < email.length(); i++) {
			char c = email.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				throw new AddressException("address contains a control character");
			}
			if (c > 0x7f && i < at) {
				throw new AddressException("address needs SMTPUTF8 (its local part is not ASCII)");
			}
		}
		String ascii = email.substring(0, at + 1) + asciiDomain(email.substring(at + 1));
		// IDN checks each label's length only: 127 characters typed can be 263 in
		// punycode, more than SMTP allows and the delivery log can record.
		if (ascii.length() > MAX_LENGTH) {
			throw new AddressException("address is longer than SMTP allows (" + ascii.length()
					+ " characters in ASCII, at most " + MAX_LENGTH + ")");
		}
		return ascii;
	}

	private static String asciiDomain(String domain) throws AddressException {
		if (domain.chars().allMatch((c) -> c < 0x80)) {
			return domain;
		}
		try {
			return IDN.toASCII(domain);
		}
		catch (IllegalArgumentException ex) {
			throw new AddressException("address domain cannot be written in ASCII: " + ex.getMessage());
		}
	}

}
