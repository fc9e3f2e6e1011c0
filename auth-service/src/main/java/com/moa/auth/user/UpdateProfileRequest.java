package com.moa.auth.user;

import com.moa.platform.web.TextRules;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A profile change; absent fields stay as they are.
 *
 * @param name a new display name
 * @param currentPassword required with {@code newPassword}
 * @param newPassword a new password, 8 to 128 characters
 */
record UpdateProfileRequest(
		@Size(max = 100) @Pattern(regexp = TextRules.SHOWS_SOMETHING, message = "must not be blank") @Pattern(
				regexp = TextRules.NO_BIDI_CONTROLS,
				message = "must not contain bidirectional control characters") String name,
		String currentPassword, @Size(min = 8, max = 128) String newPassword) {
}
