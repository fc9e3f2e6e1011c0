package com.moa.auth.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A signup. Only these fields bind: an {@code id} or any other field is ignored, and the
 * role can only be one a user may choose.
 *
 * @param email the email (unique, case-insensitively)
 * @param password 8 to 128 characters
 * @param name the display name
 * @param role CONSUMER or SELLER
 * @param locale {@code ko} (default) or {@code en}
 */
record SignupRequest(@NotBlank @Email @DeliverableEmail @Size(max = 254) String email,
		@NotNull @Size(min = 8, max = 128) String password,
		@NotBlank @Size(max = 100) @Pattern(regexp = VISIBLE, message = "must not be blank") @Pattern(
				regexp = NO_BIDI_CONTROLS, message = "must not contain bidirectional control characters") String name,
		@NotNull SignupRole role, @Pattern(regexp = "ko|en", message = "must be ko or en") String locale) {

	/**
	 * At least one visible character: a name of only Unicode spaces (the Korean IME's
	 * full-width space, a no-break space), control or format characters (zero-width)
	 * shows as nothing in chat and in the catalog.
	 */
	static final String VISIBLE = "(?s).*[^\\s\\p{Z}\\p{Cc}\\p{Cf}].*";

	/**
	 * No bidirectional embedding, override or isolate (U+202A..U+202E, U+2066..U+2069):
	 * an unclosed one reorders the text shown after the name, in a chat line or a catalog
	 * entry, so a name could make what follows it read differently. The marks LRM and
	 * RLM, which real right-to-left names use, stay allowed.
	 */
	static final String NO_BIDI_CONTROLS = "[^\\u202A-\\u202E\\u2066-\\u2069]*";

	/** The roles signup offers; ADMIN is deliberately absent. */
	enum SignupRole {

		CONSUMER, SELLER

	}

}
