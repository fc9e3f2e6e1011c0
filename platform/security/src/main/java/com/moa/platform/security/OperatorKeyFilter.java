package com.moa.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates an operator by the {@code X-Operator-Key} header (compared in constant
 * time), for {@code /internal/**} only.
 */
class OperatorKeyFilter extends OncePerRequestFilter {

	static final String HEADER = "X-Operator-Key";

	static final String ROLE = "OPERATOR";

	private final byte[] key;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	OperatorKeyFilter(String key) {
		this.key = key.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String presented = request.getHeader(HEADER);
		if (presented != null && MessageDigest.isEqual(this.key, presented.getBytes(StandardCharsets.UTF_8))) {
			SecurityContext context = this.contexts.createEmptyContext();
			context.setAuthentication(new PreAuthenticatedAuthenticationToken("operator", "n/a",
					List.of(new SimpleGrantedAuthority("ROLE_" + ROLE))));
			this.contexts.setContext(context);
		}
		chain.doFilter(request, response);
	}

}
