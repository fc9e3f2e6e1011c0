package com.moa.payment.billing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.moa.payment.PaymentIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduled jobs do not wait for each other: one that runs long (billing through a
 * backlog) leaves a thread for the reconciler.
 */
class SchedulingIntegrationTests extends PaymentIntegrationTestSupport {

	@Autowired
	TaskScheduler scheduler;

	@Autowired
	ScheduledAnnotationBeanPostProcessor scheduled;

	@Test
	void aJobThatRunsLongLeavesAThreadForEveryOtherJob() throws Exception {
		assertThat(this.scheduled.getScheduledTasks()).hasSize(SchedulingConfiguration.JOBS);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch others = new CountDownLatch(SchedulingConfiguration.JOBS - 1);
		this.scheduler.schedule(() -> awaitQuietly(release), java.time.Instant.now());
		try {
			for (int i = 1; i < SchedulingConfiguration.JOBS; i++) {
				this.scheduler.schedule(others::countDown, java.time.Instant.now());
			}
			assertThat(others.await(10, TimeUnit.SECONDS)).as("other jobs ran while one was busy").isTrue();
		}
		finally {
			release.countDown();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
