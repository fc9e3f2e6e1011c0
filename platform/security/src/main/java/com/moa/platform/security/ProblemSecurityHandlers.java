package com.moa.platform.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.moa.platform.web.ProblemResponseWriter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 answers as problem JSON, like every other error; 503 when a token could not
 * be checked at all.
 */
public class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final ProblemResponseWriter writer;

	public ProblemSecurityHandlers(ProblemResponseWriter writer) {
		this.writer = writer;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (authException instanceof AuthenticationServiceException) {
			// Not the token's fault: the keys to check it could not be fetched.
			response.setHeader(HttpHeaders.RETRY_AFTER, "5");
			this.writer.write(request, response, HttpStatus.SERVICE_UNAVAILABLE,
					"Access tokens cannot be checked right now; retry shortly");
			return;
		}
		boolean tokenSent = request.getHeader("Authorization") != null;
		response.setHeader("WWW-Authenticate", tokenSent ? "Bearer error=\"invalid_token\"" : "Bearer");
		this.writer.write(request, response, HttpStatus.UNAUTHORIZED,
				tokenSent ? "The access token is invalid or expired" : "An access token is required");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		this.writer.write(request, response, HttpStatus.FORBIDDEN, "Your role may not use this resource");
	}

}
