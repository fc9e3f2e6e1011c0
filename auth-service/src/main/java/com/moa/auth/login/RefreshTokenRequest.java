package com.moa.auth.login;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A refresh token presented for refresh or logout.
 *
 * @param refreshToken the opaque token
 */
record RefreshTokenRequest(@NotBlank @Size(max = 512) String refreshToken) {
}
