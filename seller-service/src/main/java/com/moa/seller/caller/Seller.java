package com.moa.seller.caller;

import java.util.UUID;

/**
 * The seller making a request, resolved from the verified access token; declare it as a
 * controller method parameter and only SELLER tokens get through.
 *
 * @param id the seller's user id (token {@code sub})
 * @param name the display name from the token's {@code name} claim, or {@code null} when
 * the token does not carry one (auth-service's tokens do not, yet)
 */
public record Seller(UUID id, String name) {
}
