/**
 * Access-token verification in resource services: tokens are checked again here, not only
 * at the gateway, and the caller is exposed to controllers as an
 * {@link com.moa.platform.security.AuthenticatedUser}.
 */
package com.moa.platform.security;
