package com.moa.platform.events;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.MDC;

import org.springframework.amqp.core.Message;

/**
 * Listener advice putting the {@code x-request-id} header of the received message into
 * the MDC while the listener runs, so consumer log lines carry the originating request's
 * id.
 */
class RequestIdAdvice implements MethodInterceptor {

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		Object requestId = null;
		if (arguments.length > 1 && arguments[1] instanceof Message message) {
			requestId = message.getMessageProperties().getHeader(EventTopology.REQUEST_ID_HEADER);
		}
		if (requestId == null) {
			return invocation.proceed();
		}
		String previous = MDC.get(EventTopology.REQUEST_ID_MDC_KEY);
		MDC.put(EventTopology.REQUEST_ID_MDC_KEY, requestId.toString());
		try {
			return invocation.proceed();
		}
		finally {
			if (previous != null) {
				MDC.put(EventTopology.REQUEST_ID_MDC_KEY, previous);
			}
			else {
				MDC.remove(EventTopology.REQUEST_ID_MDC_KEY);
			}
		}
	}

}
