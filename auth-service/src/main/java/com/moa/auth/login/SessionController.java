package com.moa.auth.login;

import com.moa.auth.token.RefreshTokens;
import com.moa.auth.token.TokenResponse;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.ClientNetworks;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login, refresh and logout.
 */
@RestController
@RequestMapping("/api/auth")
class SessionController {

	private final LoginService logins;

	private final RefreshTokens refreshTokens;

	SessionController(LoginService logins, RefreshTokens refreshTokens) {
		this.logins = logins;
		this.refreshTokens = refreshTokens;
	}

	/**
	 * The client IP is the remote address; behind the gateway it is taken from
	 * {@code X-Forwarded-For} ({@code server.forward-headers-strategy: framework}).
	 */
	@PostMapping("/login")
	TokenResponse login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
		return this.logins.login(request, ClientNetworks.of(http.getRemoteAddr()));
	}

	@PostMapping("/refresh")
	TokenResponse refresh(@Valid @RequestBody RefreshTokenRequest request) {
		return this.refreshTokens.refresh(request.refreshToken());
	}

	@PostMapping("/logout")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void logout(@AuthenticationPrincipal AuthenticatedUser caller, @Valid @RequestBody RefreshTokenRequest request) {
		this.refreshTokens.logout(caller.id(), request.refreshToken());
	}

}
