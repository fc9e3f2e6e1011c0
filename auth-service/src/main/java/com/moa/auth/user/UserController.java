package com.moa.auth.user;

import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.ClientNetworks;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signup and the caller's profile.
 */
@RestController
@RequestMapping("/api/auth")
class UserController {

	private final Accounts accounts;

	UserController(Accounts accounts) {
		this.accounts = accounts;
	}

	@PostMapping("/signup")
	@ResponseStatus(HttpStatus.CREATED)
	UserResponse signup(@Valid @RequestBody SignupRequest request) {
		return UserResponse.of(this.accounts.signup(request));
	}

	@GetMapping("/me")
	ProfileResponse me(@AuthenticationPrincipal AuthenticatedUser caller) {
		return ProfileResponse.of(this.accounts.profile(caller));
	}

	/**
	 * The client IP (for the throttle on the current-password check) is taken as login
	 * takes it: the remote address, from {@code X-Forwarded-For} behind the gateway.
	 */
	@PatchMapping("/me")
	ProfileResponse update(@AuthenticationPrincipal AuthenticatedUser caller,
			@Valid @RequestBody UpdateProfileRequest request, HttpServletRequest http) {
		return ProfileResponse.of(this.accounts.update(caller, request, ClientNetworks.of(http.getRemoteAddr())));
	}

}
