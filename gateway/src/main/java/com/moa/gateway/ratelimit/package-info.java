/**
 * Fixed-window request limits kept in Redis, per user or client IP.
 */
package com.moa.gateway.ratelimit;
