/**
 * Request hygiene before anything else runs: request ids, removal of client-sent identity
 * headers, CORS.
 */
package com.moa.gateway.web;
