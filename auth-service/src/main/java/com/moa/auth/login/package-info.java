/**
 * Login (with throttling), refresh and logout.
 */
package com.moa.auth.login;
