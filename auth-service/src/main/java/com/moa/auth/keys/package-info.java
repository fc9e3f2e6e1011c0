/**
 * Access-token signing keys, their JWKS publication and the service's own token verifier.
 */
package com.moa.auth.keys;
