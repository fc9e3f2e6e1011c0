package com.moa.mail.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.moa.mail.MailProperties;
import com.moa.mail.content.MailComposer;
import com.moa.mail.content.MailComposer.Composed;
import com.moa.mail.delivery.Deliveries.Delivery;
import com.moa.mail.recipient.Directory;
import com.moa.mail.recipient.Directory.Recipient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.TaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The sender threads on their own, everything around them mocked: stopping a sender the
 * rate limiter holds back, giving up recording a batch another sender took; what the log
 * shows of a failure.
 */
@ExtendWith(OutputCaptureExtension.class)
class DeliveryWorkerTests {

	@Test
	void stoppingASenderHeldBackByTheRateLimiterPutsItsBatchBackAtOnce() throws Exception {
		UUID claim = UUID.randomUUID();
		// 10 messages at 1 per second: the limiter holds the sender back about 9 s.
		List<Delivery> batch = IntStream.range(0, 10).mapToObj((i) -> welcome(claim)).toList();
		CompletableFuture<Thread> senderThread = new CompletableFuture<>();
		Deliveries deliveries = mock(Deliveries.class);
		when(deliveries.claim(anyInt(), any())).thenAnswer((invocation) -> {
			senderThread.complete(Thread.currentThread());
			return batch;
		}).thenReturn(List.of());
		JavaMailSender sender = sender();
		DeliveryWorker worker = worker(deliveries, sender, 1);

		worker.start();
		Thread thread = senderThread.get(5, TimeUnit.SECONDS);
		// Parked in the rate limiter.
		await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
		long stopping = System.nanoTime();
		worker.stop();

		assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));
		assertThat(thread.isAlive()).isFalse();
		verify(deliveries).release(eq(claim), eq(batch.stream().map(Delivery::id).toList()), anyString());
		verify(sender, never()).send(any(MimeMessage[].class));
	}

	@Test
	void aSenderStopsRetryingItsRecordWhenAnotherSenderTookTheRows() {
		UUID claim = UUID.randomUUID();
		List<Delivery> batch = List.of(welcome(claim), welcome(claim));
		Deliveries deliveries = mock(Deliveries.class);
		when(deliveries.claim(anyInt(), any())).thenReturn(batch);
		doThrow(new CannotGetJdbcConnectionException("failover")).when(deliveries).sent(eq(claim), anyMap());
		// Held before the session and after the first failure; after the second the lease
		// had run out and another sender holds the rows.
		Set<UUID> ids = batch.stream().map(Delivery::id).collect(Collectors.toSet());
		when(deliveries.extendLease(eq(claim), anyCollection(), any())).thenReturn(ids, ids, Set.of());
		JavaMailSender sender = sender();
		DeliveryWorker worker = worker(deliveries, sender, 50);

		assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), worker::sendDue)).isEqualTo(2);
		verify(sender).send(any(MimeMessage[].class));
		verify(deliveries, times(2)).sent(eq(claim), anyMap());
		verify(deliveries, times(3)).extendLease(eq(claim), anyCollection(), any());
	}

	/** A bug's log line keeps its stack trace, not the address its message quotes. */
	@Test
	void anUnexpectedFailureIsLoggedWithoutTheAddressItQuotes(CapturedOutput output) {
		Deliveries deliveries = mock(Deliveries.class);
		when(deliveries.claim(anyInt(), any()))
			.thenThrow(new IllegalStateException("Could not build the mail",
					new IllegalArgumentException("Illegal address in string 'bob.kim@example.co.kr'")))
			.thenReturn(List.of());
		DeliveryWorker worker = worker(deliveries, sender(), 50);

		worker.start();
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> output.getAll().contains("Mail sender failed"));
		}
		finally {
			worker.stop();
		}
		assertThat(output.getAll()).contains("IllegalStateException: Could not build the mail")
			.contains("Caused by: java.lang.RuntimeException: java.lang.IllegalArgumentException: "
					+ "Illegal address in string '<address>'")
			.contains("at com.moa.mail.delivery.DeliveryWorker")
			.doesNotContain("bob.kim@example.co.kr");
	}

	@Test
	void addressesAreLeftOutOfLoggedTextButNotTheSmtpReplyCodes() {
		assertThat(DeliveryWorker.withoutAddresses(
				"SendFailedException: Invalid Addresses <- SMTPAddressFailedException: 550 5.1.1 <bob.kim+moa@example.co.kr>: "
						+ "Recipient address rejected: User unknown"))
			.isEqualTo("SendFailedException: Invalid Addresses <- SMTPAddressFailedException: 550 5.1.1 <address>: "
					+ "Recipient address rejected: User unknown");
		assertThat(DeliveryWorker.withoutAddresses("452 4.2.2 full-1@example.com: mailbox full, try again later"))
			.isEqualTo("452 4.2.2 <address>: mailbox full, try again later");
		// PgJDBC quotes a failed batch's statements with their values.
		assertThat(DeliveryWorker.withoutAddresses(
				"Batch entry 0 UPDATE deliveries SET email = ('user@xn--hq1bm8jm9l.xn--3e0b707e'), attempts = 1"))
			.isEqualTo("Batch entry 0 UPDATE deliveries SET email = ('<address>'), attempts = 1");
		assertThat(DeliveryWorker.withoutAddresses("사용자@도메인.한국, other@example.com; 421 4.3.2 busy"))
			.isEqualTo("<address>, <address>; 421 4.3.2 busy");
		assertThat(
				DeliveryWorker.withoutAddresses("MailConnectException: Couldn't connect to host, port: 127.0.0.1, 25"))
			.isEqualTo("MailConnectException: Couldn't connect to host, port: 127.0.0.1, 25");
		assertThat(DeliveryWorker.withoutAddresses("550 5.1.1 <o'brien@example.com>: no such user"))
			.isEqualTo("550 5.1.1 <address>: no such user");
		assertThat(DeliveryWorker.withoutAddresses(null)).isNull();
	}

	private static DeliveryWorker worker(Deliveries deliveries, JavaMailSender sender, int rate) {
		Directory directory = mock(Directory.class);
		when(directory.recipient(any())).thenAnswer(
				(invocation) -> Optional.of(new Recipient(invocation.getArgument(0), "user@example.com", "김모아", "ko")));
		MailComposer composer = mock(MailComposer.class);
		when(composer.compose(any(), any(), any())).thenReturn(new Composed("Welcome", "<p>Hi</p>", "Hi"));
		TaskScheduler scheduler = mock(TaskScheduler.class);
		when(scheduler.scheduleAtFixedRate(any(Runnable.class), any(Instant.class), any(Duration.class)))
			.thenAnswer((invocation) -> mock(ScheduledFuture.class));
		MailProperties properties = new MailProperties("Moa Subscribe <no-reply@moa.test>", "support@moa.test",
				"http://localhost:8080", "Asia/Seoul",
				new MailProperties.Sending(true, rate, 1, 10, Duration.ofMillis(50), Duration.ofMinutes(2),
						Duration.ofSeconds(5), Duration.ofMinutes(10), 20, Duration.ofDays(7)));
		return new DeliveryWorker(deliveries, directory, composer, sender, properties, new SimpleMeterRegistry(),
				scheduler);
	}

	private static JavaMailSender sender() {
		JavaMailSender sender = mock(JavaMailSender.class);
		when(sender.createMimeMessage()).thenAnswer((invocation) -> new MimeMessage((Session) null));
		return sender;
	}

	private static Delivery welcome(UUID claim) {
		UUID userId = UUID.randomUUID();
		UUID id = UUID.randomUUID();
		return new Delivery(id, MailKind.WELCOME, userId.toString(), userId, "{}", "SENDING", 0, null,
				Deliveries.messageId(id), null, Instant.now(), null, claim, null);
	}

}
