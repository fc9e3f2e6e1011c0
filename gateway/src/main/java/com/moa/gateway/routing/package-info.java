/**
 * Routing concerns beyond the declarative routes: the circuit-breaker fallback, upstream
 * timeouts and the guard that keeps services' internal endpoints unreachable.
 */
package com.moa.gateway.routing;
