/**
 * The throttle on password checks (login and password change) per account and client IP.
 */
package com.moa.auth.throttle;
