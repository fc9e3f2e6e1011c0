package com.moa.gateway.web;

import org.slf4j.MDC;

import org.springframework.web.server.ServerWebExchange;

/**
 * Where the gateway keeps the id of the request being handled: the exchange attribute and
 * Reactor context entry written by {@link RequestIdFilter}, and the logging MDC key
 * {@value #MDC_KEY} that {@code logging.pattern.correlation} prints.
 */
public final class RequestIds {

	/** MDC key, also the Reactor context key the MDC is filled from. */
	public static final String MDC_KEY = "requestId";

	/** Exchange attribute holding the request id. */
	static final String ATTRIBUTE = RequestIds.class.getName() + ".requestId";

	private RequestIds() {
	}

	/**
	 * Runs logging code that is outside the request's Reactor context (error handlers)
	 * with the exchange's request id in the MDC.
	 * @param exchange the exchange being handled
	 * @param action the code that logs
	 */
	public static void withMdc(ServerWebExchange exchange, Runnable action) {
		String requestId = exchange.getAttribute(ATTRIBUTE);
		String previous = MDC.get(MDC_KEY);
		MDC.put(MDC_KEY, (requestId != null) ? requestId : "");
		try {
			action.run();
		}
		finally {
			if (previous != null) {
				MDC.put(MDC_KEY, previous);
			}
			else {
				MDC.remove(MDC_KEY);
			}
		}
	}

}
