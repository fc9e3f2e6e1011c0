package com.moa.auth.user;

import com.moa.platform.web.TextRules;
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
		@NotBlank @Size(max = 100) @Pattern(regexp = TextRules.SHOWS_SOMETHING, message = "must not be blank") @Pattern(
				regexp = TextRules.NO_BIDI_CONTROLS,
				message = "must not contain bidirectional control characters") String name,
		@NotNull SignupRole role, @Pattern(regexp = "ko|en", message = "must be ko or en") String locale) {

	/** The roles signup offers; ADMIN is deliberately absent. */
	enum SignupRole {

		CONSUMER, SELLER

	}

}
