/**
 * Web conventions every servlet service shares: RFC 9457 problem responses, request ids,
 * request size limits and paging types.
 */
package com.moa.platform.web;
