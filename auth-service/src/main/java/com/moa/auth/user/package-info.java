/**
 * Accounts: signup, the caller's profile and password changes.
 */
package com.moa.auth.user;
