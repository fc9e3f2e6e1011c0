package com.moa.auth.login;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/**
 * Credentials.
 *
 * @param email the account's email (any case)
 * @param password the password, as typed: signup accepts one of spaces only, so it is not
 * refused as blank here
 */
record LoginRequest(@NotBlank @Size(max = 254) String email, @NotEmpty @Size(max = 1024) String password) {
}
