/**
 * Access-token verification at the edge: which routes are public, which need a token or
 * the seller role, and problem responses for 401/403.
 */
package com.moa.gateway.security;
