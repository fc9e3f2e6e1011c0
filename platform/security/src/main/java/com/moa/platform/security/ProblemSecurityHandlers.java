package com.moa.platform.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.moa.platform.web.ApiProblemException;
import com.moa.platform.web.ProblemResponseWriter;
import io.github.resilience4j.ratelimiter.RateLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

	private final ProblemResponseWriter writer;

	/** One warning per 30 s, however many requests meet the outage. */
	private final RateLimiter unavailableWarnings = WarningLimit.oncePer(Duration.ofSeconds(30),
			"token-check-warnings");

	public ProblemSecurityHandlers(ProblemResponseWriter writer) {
		this.writer = writer;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (authException instanceof AuthenticationServiceException) {
			// Not the token's fault: the keys to check it could not be fetched (Spring
			// logs it at trace only; at most one warning per 30 s here).
			if (this.unavailableWarnings.acquirePermission()) {
				logger.warn("Access tokens cannot be checked (answering 503): " + authException.getMessage());
			}
			this.writer.write(request, response,
					new ApiProblemException(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
							"Service unavailable", "Access tokens cannot be checked right now; retry shortly",
							Duration.ofSeconds(5)));
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
