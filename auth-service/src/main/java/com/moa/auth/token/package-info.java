/**
 * Access tokens (signed JWTs) and refresh tokens (opaque, rotated, grouped in families).
 */
package com.moa.auth.token;
