package com.moa.payment.billing;

import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * A thread for each scheduled job (billing, reconciler, key pruning). Spring's default
 * scheduler runs fixed-delay jobs on one thread (with virtual threads too), so a long
 * billing run (a backlog of renewals at a slow provider) would stop the reconciler, and
 * charges left PENDING by a crash would keep answering 409 for as long.
 */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration {

	static final int JOBS = 3;

	@Bean
	ThreadPoolTaskScheduler taskScheduler(ThreadPoolTaskSchedulerBuilder builder) {
		return builder.poolSize(JOBS).threadNamePrefix("payment-jobs-").build();
	}

}
