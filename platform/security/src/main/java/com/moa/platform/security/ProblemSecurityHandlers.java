package com.moa.platform.security;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.moa.platform.web.ProblemResponseWriter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

	private static final Log logger = LogFactory.getLog(ProblemSecurityHandlers.class);

	private static final long WARNING_INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();

	private final ProblemResponseWriter writer;

	private final AtomicLong lastUnavailableWarning = new AtomicLong();

	public ProblemSecurityHandlers(ProblemResponseWriter writer) {
		this.writer = writer;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (authException instanceof AuthenticationServiceException) {
			// Not the token's fault: the keys to check it could not be fetched (Spring
			// logs it at trace only; at most one warning per 30 s here).
			long now = System.nanoTime();
			long last = this.lastUnavailableWarning.get();
			if ((last == 0 || now - last >= WARNING_INTERVAL_NANOS)
					&& this.lastUnavailableWarning.compareAndSet(last, now)) {
				logger.warn("Access tokens cannot be checked (answering 503): " + authException.getMessage());
			}
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
