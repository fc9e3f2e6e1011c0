package com.moa.auth.token;

/**
 * A new access/refresh token pair.
 *
 * @param accessToken the JWT for {@code Authorization: Bearer}
 * @param refreshToken the opaque refresh token (single use)
 * @param tokenType always {@code Bearer}
 * @param expiresIn the access token's lifetime in seconds
 */
public record TokenResponse(String accessToken, String refreshToken, String tokenType, long expiresIn) {
}
