package com.moa.seller.caller;

import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.security.UserAuthentication;
import com.moa.platform.web.ApiProblemException;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link Seller} parameters. Refusing other roles here, as an
 * {@link ApiProblemException}, gives the 403 problem JSON of platform/web; declare the
 * {@code Seller} first so the role is checked before the body is validated.
 */
class SellerArgumentResolver implements HandlerMethodArgumentResolver {

	/** Not issued by auth-service today; used as soon as tokens carry it. */
	static final String NAME_CLAIM = "name";

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return Seller.class.equals(parameter.getParameterType());
	}

	@Override
	public Seller resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof UserAuthentication token)) {
			// The security filter chain already answers 401 for requests without a valid
			// token; this guards endpoints that were opened by mistake.
			throw new ApiProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
					"A valid access token is required");
		}
		AuthenticatedUser user = token.getPrincipal();
		if (!user.isSeller()) {
			throw new SellerRoleRequiredException();
		}
		return new Seller(user.id(), token.getToken().getClaimAsString(NAME_CLAIM));
	}

}
