package com.moa.mail.delivery;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import com.moa.mail.MailProperties;
import com.moa.mail.content.MailComposer;
import com.moa.mail.content.MailComposer.Composed;
import com.moa.mail.delivery.Deliveries.Delivery;
import com.moa.mail.recipient.Addresses;
import com.moa.mail.recipient.Directory;
import com.moa.mail.recipient.Directory.Amount;
import com.moa.mail.recipient.Directory.Recipient;
import com.moa.mail.recipient.Directory.Terms;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Sends what the delivery log holds, on {@code connections} threads, each claiming a
 * batch (transactional mail first), sending it in one SMTP session and recording the
 * outcomes when the session ends. A Resilience4j rate limiter shared by the threads keeps
 * the instance under {@code rate} messages per second.
 *
 * <p>
 * Exactly once, as far as SMTP allows: a row is claimed under a lease, so two senders
 * never hold it together, the claim is checked again just before the SMTP session (the
 * lease may have run out while the batch waited), and a row is SENT only after the server
 * accepted it. A log that cannot be written at that moment is retried, under a lease
 * still renewed, until it is. A sender that dies between the server's acceptance and that
 * commit (anywhere in the rest of the session: the batch is committed together) leaves
 * the row to be sent again when its lease runs out, with the same {@code Message-ID},
 * which lets receiving systems and people recognise the copy (at least once, never a
 * different mail twice).
 */
@Component
public class DeliveryWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

	private static final Duration MAX_OUTAGE_PAUSE = Duration.ofSeconds(30);

	private static final Duration FIRST_RECORD_PAUSE = Duration.ofMillis(100);

	private static final Duration MAX_RECORD_PAUSE = Duration.ofSeconds(2);

	/**
	 * Mail about a state of a subscription that a newer one can make untrue (see
	 * {@link #supersededBy}).
	 */
	private static final Set<MailKind> STATE_MAIL = EnumSet.of(MailKind.SUBSCRIPTION_CANCELED,
			MailKind.SUBSCRIPTION_RESUMED, MailKind.RENEWAL_UPCOMING);

	/**
	 * Anything with an {@code @} between two runs of non-separators, in brackets or not;
	 * an apostrophe only inside the local part ({@code o'brien@…}), so a quoted address
	 * ({@code 'a@b'}) keeps its quotes.
	 */
	private static final Pattern EMAIL_LIKE = Pattern
		.compile("<?[^\\s<>()\\[\\],;:\"'@]+(?:'[^\\s<>()\\[\\],;:\"'@]+)*@[^\\s<>()\\[\\],;:\"'@]+>?");

	private final Deliveries deliveries;

	private final Directory directory;

	private final MailComposer composer;

	private final JavaMailSender sender;

	private final MailProperties.Sending settings;

	private final MailProperties properties;

	private final RateLimiter rateLimiter;

	private final TaskScheduler scheduler;

	private final MeterRegistry meters;

	private final Timer sendLatency;

	private final Timer smtpSession;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	DeliveryWorker(Deliveries deliveries, Directory directory, MailComposer composer, JavaMailSender sender,
			MailProperties properties, MeterRegistry meters, TaskScheduler scheduler) {
		this.deliveries = deliveries;
		this.directory = directory;
		this.composer = composer;
		this.sender = sender;
		this.properties = properties;
		this.settings = properties.sending();
		this.meters = meters;
		this.scheduler = scheduler;
		this.rateLimiter = RateLimiter.of("mail",
				RateLimiterConfig.custom()
					.limitForPeriod(this.settings.rate())
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ofMinutes(1))
					.build());
		this.sendLatency = Timer.builder("moa.mail.send.latency")
			.description("Time from queueing a mail to the SMTP server accepting it")
			.publishPercentileHistogram()
			.register(meters);
		this.smtpSession = Timer.builder("moa.mail.smtp.session")
			.description("Time of one SMTP session sending a batch")
			.register(meters);
	}

	@Override
	public void start() {
		if (!this.settings.enabled()) {
			log.info("Mail sending is off (moa.mail.sending.enabled=false): deliveries stay queued");
			return;
		}
		this.running = true;
		for (int i = 0; i < this.settings.connections(); i++) {
			Thread thread = new Thread(this::run, "mail-sender-" + i);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.interrupt();
		}
		// One deadline for all: a sender blocked in a socket read (up to the SMTP read
		// timeout, minutes) ignores the interrupt, and waiting 15 s for each in turn
		// outlasted a container's stop grace. Its batch is sent again after the lease,
		// with the same Message-ID.
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		for (Thread thread : this.threads) {
			long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			try {
				if (left > 0) {
					thread.join(left);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		Duration outagePause = Duration.ZERO;
		while (this.running) {
			try {
				if (sendDue() == 0) {
					sleep(this.settings.interval());
				}
				outagePause = Duration.ZERO;
			}
			catch (SmtpUnreachableException ex) {
				outagePause = outagePause.isZero() ? Duration.ofSeconds(1)
						: atMost(outagePause.multipliedBy(2), MAX_OUTAGE_PAUSE);
				log.warn("SMTP server not taking mail ({}); mail stays queued, next try in {}",
						withoutAddresses(ex.getMessage()), outagePause);
				sleep(outagePause);
			}
			catch (DataAccessException ex) {
				log.warn("Delivery log unavailable: {}", withoutAddresses(ex.getMessage()));
				sleep(Duration.ofSeconds(1));
			}
			catch (RuntimeException ex) {
				// A bug: its stack traces, its chain's messages without addresses (a
				// parse failure quotes the address it could not parse).
				log.error("Mail sender failed; continuing", withoutAddresses(ex, 0));
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	private static Duration atMost(Duration pause, Duration limit) {
		return (pause.compareTo(limit) > 0) ? limit : pause;
	}

	private void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	/**
	 * Claims one batch of due deliveries and sends it.
	 * @return how many were claimed (0: nothing was due)
	 * @throws SmtpUnreachableException when the server could not be reached or deferred
	 * every mail; the batch is back in the queue
	 */
	int sendDue() {
		List<Delivery> batch = this.deliveries.claim(Math.min(this.settings.batchSize(), this.settings.rate()),
				this.settings.lease());
		if (!batch.isEmpty()) {
			ScheduledFuture<?> renewal = keepLeased(batch);
			try {
				send(batch);
			}
			finally {
				renewal.cancel(false);
			}
		}
		return batch.size();
	}

	/**
	 * Renews the batch's lease while this sender works on it, recording included: a
	 * session can outlast any fixed lease (25 messages with slow replies), so can a
	 * database failover, and another sender must take the rows only when this one died.
	 * The claim token keeps a late write off rows taken anyway, and the claim is checked
	 * again before the session (see {@link #send}): a renewal that could not run in time
	 * (the database stalled longer than the lease) may have let another sender take the
	 * rows, and this one must not send them too.
	 */
	private ScheduledFuture<?> keepLeased(List<Delivery> batch) {
		UUID claim = batch.get(0).claim();
		List<UUID> ids = batch.stream().map(Delivery::id).toList();
		Duration every = this.settings.lease().dividedBy(3);
		AtomicBoolean emptied = new AtomicBoolean();
		return this.scheduler.scheduleAtFixedRate(() -> {
			try {
				if (this.deliveries.extendLease(claim, ids, this.settings.lease()).isEmpty()
						&& !emptied.getAndSet(true)) {
					log.info("Claim {} holds none of its {} rows any more: recorded, or taken by another sender "
							+ "after its lease ran out", claim, ids.size());
				}
			}
			catch (DataAccessException ex) {
				log.warn("Lease of claim {} not renewed: {}", claim, ex.getMessage());
			}
		}, Instant.now().plus(every), every);
	}

	/** Sends claimed deliveries in one SMTP session and records what happened to each. */
	void send(List<Delivery> batch) {
		// MimeMessage keeps Object's identity equality: insertion order is send order.
		Map<MimeMessage, Delivery> messages = new LinkedHashMap<>();
		Map<MimeMessage, String> addresses = new IdentityHashMap<>();
		// A batch of a terms backlog is mostly one version: read its text once.
		Map<String, Optional<Terms>> terms = new HashMap<>();
		for (Delivery delivery : batch) {
			try {
				prepare(delivery, terms).ifPresent((prepared) -> {
					messages.put(prepared.message(), delivery);
					addresses.put(prepared.message(), prepared.email());
				});
			}
			catch (DataAccessException ex) {
				throw ex;
			}
			catch (Exception ex) {
				// A mail that cannot be written must not hold up the others.
				record(delivery, ex);
			}
		}
		if (messages.isEmpty()) {
			return;
		}
		if (!permitted(messages.size())) {
			// Stopping: the batch goes back uncounted, for another instance to take now
			// rather than when its lease runs out.
			this.deliveries.release(batch.get(0).claim(), messages.values().stream().map(Delivery::id).toList(),
					"sender stopped before sending");
			return;
		}
		if (!keepHeld(batch.get(0).claim(), messages)) {
			return;
		}
		Map<Object, Exception> failures = session(messages.keySet());
		boolean noneAccepted = failures.size() == messages.size();
		boolean deferred = deferredAll(messages.keySet(), failures);
		Map<UUID, String> sent = new LinkedHashMap<>();
		List<UUID> back = new ArrayList<>();
		Map<Delivery, Exception> failed = new LinkedHashMap<>();
		Exception outage = null;
		for (Map.Entry<MimeMessage, Delivery> entry : messages.entrySet()) {
			Exception failure = failures.get(entry.getKey());
			if (failure == null) {
				sent.put(entry.getValue().id(), addresses.get(entry.getKey()));
			}
			else if (SmtpFailure.recipientRefused(failure)) {
				// The recipient's, whatever the rest of the batch got: a lone mail's 550
				// is FAILED, its 452 retried later with backoff.
				failed.put(entry.getValue(), failure);
			}
			else if (deferred || unreachable(entry.getKey(), failure)) {
				back.add(entry.getValue().id());
				outage = failure;
			}
			else {
				failed.put(entry.getValue(), failure);
			}
		}
		// First what the server accepted: only losing that write sends mail twice.
		// Counted are the rows this sender recorded, not those another one took since.
		Set<UUID> recorded = recordSent(batch.get(0).claim(), sent);
		for (Delivery delivery : batch) {
			if (recorded.contains(delivery.id())) {
				this.sendLatency.record(Duration.between(delivery.createdAt(), Instant.now()));
				Counter.builder("moa.mail.sent").tag("kind", delivery.kind().name()).register(this.meters).increment();
			}
		}
		failed.forEach((delivery, failure) -> {
			if (noneAccepted && !SmtpFailure.recipientRefused(failure)
					&& SmtpFailure.of(failure) == SmtpFailure.PERMANENT) {
				// A server that refuses every mail of a session at MAIL FROM or after the
				// data (our sender blocked, our messages refused) is more likely refusing
				// us than each recipient: counted, but not FAILED at once, so a
				// misconfigured server cannot fail a whole backlog.
				retryOrFail(delivery, describe(failure));
			}
			else {
				record(delivery, failure);
			}
		});
		if (outage != null) {
			String reason = deferred ? "every mail deferred: " + describe(outage) : describe(outage);
			this.deliveries.release(batch.get(0).claim(), back, reason);
			throw new SmtpUnreachableException(reason, outage);
		}
	}

	/**
	 * Checks, just before the session, that the claim still holds the rows of the
	 * messages, renewing their lease, and drops the messages of rows it lost: composing
	 * the batch or waiting for the rate limiter can outlast the lease (the database
	 * stalled, the renewal with it), and another sender may have taken the rows since and
	 * sent them already. Those rows are theirs: not sent, recorded nor counted here. A
	 * check that fails (the database is away) sends nothing: the rows stay claimed until
	 * their lease runs out.
	 * @return whether any message is left to send
	 */
	private boolean keepHeld(UUID claim, Map<MimeMessage, Delivery> messages) {
		Set<UUID> held = this.deliveries.extendLease(claim, messages.values().stream().map(Delivery::id).toList(),
				this.settings.lease());
		messages.values().removeIf((delivery) -> {
			if (held.contains(delivery.id())) {
				return false;
			}
			log.warn("Mail {} {} to {} not sent by claim {}: another sender took it after the lease ran out",
					delivery.kind(), delivery.id(), delivery.recipientId(), claim);
			return true;
		});
		return !messages.isEmpty();
	}

	/**
	 * Sends the messages in one SMTP session.
	 * @return the messages not accepted, with why
	 */
	private Map<Object, Exception> session(Collection<MimeMessage> messages) {
		Timer.Sample session = Timer.start(this.meters);
		try {
			this.sender.send(messages.toArray(MimeMessage[]::new));
			return Map.of();
		}
		catch (MailSendException ex) {
			// JavaMailSenderImpl lists every message it did not get accepted; the others
			// were, also when only closing the session failed (then the list is empty).
			return ex.getFailedMessages();
		}
		catch (MailAuthenticationException ex) {
			return loginRefused(messages, ex);
		}
		catch (MailException ex) {
			return allFailed(messages, ex);
		}
		finally {
			session.stop(this.smtpSession);
		}
	}

	/**
	 * Records what the server accepted, retrying while the delivery log cannot be written
	 * (a failover, a pool timeout): the mails are out, and giving up would leave them
	 * SENDING, to be sent again when the lease runs out. The lease is still renewed
	 * meanwhile. Retrying ends when the write succeeds, when the claim holds none of the
	 * rows any more (another sender took them after the lease ran out during a longer
	 * outage: nothing left to record) or when the sender is stopped.
	 * <p>
	 * A write that violates a constraint is not retried as it is: it would fail the same
	 * way for ever, with the lease renewed, the sender stuck and the batch sent again
	 * after a restart. The rows are then recorded one by one (see {@link #recordEach}).
	 * @return the rows this sender recorded SENT: none when it gave up, and none of the
	 * rows another sender took after the lease ran out (it sends them again, with the
	 * same Message-ID)
	 */
	private Set<UUID> recordSent(UUID claim, Map<UUID, String> sent) {
		List<UUID> ids = List.copyOf(sent.keySet());
		Duration pause = FIRST_RECORD_PAUSE;
		boolean oneByOne = false;
		while (true) {
			try {
				Set<UUID> recorded = oneByOne ? recordEach(claim, sent) : this.deliveries.sent(claim, sent);
				// (One by one, a row the log refused is logged as such.)
				if (!oneByOne && recorded.size() < sent.size()) {
					log.error(
							"Claim {} lost {} of {} accepted mails before they were recorded: another sender "
									+ "took them after the lease ran out",
							claim, sent.size() - recorded.size(), sent.size());
				}
				return recorded;
			}
			catch (DataAccessException ex) {
				if (ex instanceof DataIntegrityViolationException && !oneByOne) {
					// Not the exception itself: PgJDBC quotes the batch's
					// statements, addresses included.
					log.error("Record of {} mails the SMTP server accepted (claim {}) violates a constraint; "
							+ "recording them one by one: {}", sent.size(), claim, loggable(ex));
					oneByOne = true;
					continue;
				}
				log.warn("{} mails the SMTP server accepted not recorded yet ({}); next try in {}", sent.size(),
						withoutAddresses(ex.getMessage()), pause);
			}
			sleep(pause);
			if (Thread.currentThread().isInterrupted()) {
				log.error("Sender stopped before recording {} accepted mails of claim {}: they are sent again, "
						+ "with the same Message-ID, when the lease runs out", sent.size(), claim);
				return Set.of();
			}
			if (!stillHeld(claim, ids)) {
				log.error("Claim {} lost before {} accepted mails were recorded: another sender took them", claim,
						sent.size());
				return Set.of();
			}
			pause = atMost(pause.multipliedBy(2), MAX_RECORD_PAUSE);
		}
	}

	/**
	 * Records accepted mails one at a time (the batch's write is all or nothing), so a
	 * row the log will not take cannot hold up the others. That row is recorded SENT
	 * without its address, the reason in its last error: the server did accept the mail,
	 * so SENT is the truth, and leaving it SENDING would send it again each time its
	 * lease ran out. Should even that write be refused, the row is left as it is (logged)
	 * and the others are still recorded. Rows recorded by an earlier try are skipped by
	 * the claim check, so a transient failure here retries safely.
	 * @return the rows recorded SENT
	 */
	private Set<UUID> recordEach(UUID claim, Map<UUID, String> sent) {
		Set<UUID> recorded = new HashSet<>();
		sent.forEach((id, email) -> {
			try {
				recorded.addAll(this.deliveries.sent(claim, Map.of(id, email)));
			}
			catch (DataIntegrityViolationException ex) {
				log.error("Mail {} was accepted by the SMTP server, but the delivery log does not take the "
						+ "address it went to: recorded SENT without it ({})", id, loggable(ex));
				try {
					if (this.deliveries.sentWithoutAddress(claim, id,
							"accepted by the SMTP server; the address it went to could not be recorded: "
									+ describe(ex))) {
						recorded.add(id);
					}
				}
				catch (DataIntegrityViolationException refused) {
					log.error(
							"Mail {} was accepted by the SMTP server, but cannot be recorded SENT at all: "
									+ "it stays SENDING and is sent again when its lease runs out ({})",
							id, loggable(refused));
				}
			}
		});
		return recorded;
	}

	/**
	 * Whether the claim still holds any of the rows (renewing their lease); unknown: yes.
	 */
	private boolean stillHeld(UUID claim, List<UUID> ids) {
		try {
			return !this.deliveries.extendLease(claim, ids, this.settings.lease()).isEmpty();
		}
		catch (DataAccessException ex) {
			return true;
		}
	}

	/**
	 * Whether the server deferred (4xx) every mail it was handed in the session, at MAIL
	 * FROM or at the end of the data. A relay doing that (throttling, a quota: 451, 452,
	 * 454) is deferring us, not each recipient; counting those attempts, a whole backlog
	 * would be FAILED within hours. Like an unreachable server, it gets the batch back
	 * uncounted. A 4xx among accepted mails counts, and so does every reply to RCPT TO:
	 * that is about the recipient, and is left out here (a lone mail's 452 there would
	 * otherwise go back uncounted, to be tried again at once, for ever).
	 */
	private static boolean deferredAll(Collection<MimeMessage> messages, Map<Object, Exception> failures) {
		boolean deferred = false;
		for (MimeMessage message : messages) {
			Exception failure = failures.get(message);
			if (failure == null) {
				return false;
			}
			if (SmtpFailure.recipientRefused(failure)) {
				continue;
			}
			if (!unreachable(message, failure)) {
				if (SmtpFailure.of(failure) != SmtpFailure.DEFERRED) {
					return false;
				}
				deferred = true;
			}
		}
		return deferred;
	}

	/**
	 * Nothing is known about the mail: the server was not reached for it, went away
	 * before it or refused our login.
	 */
	private static boolean unreachable(MimeMessage message, Exception failure) {
		return !handedOver(message) || failure instanceof SmtpUnreachableException
				|| SmtpFailure.of(failure) == SmtpFailure.UNREACHABLE;
	}

	/**
	 * Waits for the rate limiter to allow this many messages.
	 * @return false when the sender is stopping: stop() interrupts it, and from then on
	 * the limiter answers false at once (keeping the interrupt) and sleep returns at once
	 */
	private boolean permitted(int messages) {
		while (!this.rateLimiter.acquirePermission(messages)) {
			if (!this.running || Thread.currentThread().isInterrupted()) {
				return false;
			}
			// Only when the other threads reserved more than the limiter's minute ahead.
			sleep(Duration.ofMillis(100));
		}
		return true;
	}

	private static Map<Object, Exception> allFailed(Collection<MimeMessage> messages, Exception failure) {
		Map<Object, Exception> failures = new IdentityHashMap<>();
		messages.forEach((message) -> failures.put(message, failure));
		return failures;
	}

	/**
	 * JavaMailSenderImpl sets each message's Sent date as it hands the message to the
	 * server, after connecting: a failed message without one failed while connecting
	 * (refused, a 421 or no greeting, STARTTLS), which says nothing about the mail.
	 */
	private static boolean handedOver(MimeMessage message) {
		try {
			return message.getSentDate() != null;
		}
		catch (MessagingException ex) {
			return false;
		}
	}

	/**
	 * The login was refused, on the first connection or on reconnecting after the server
	 * closed the session mid-batch. Messages handed over before that were accepted (the
	 * session was still open after each), except perhaps the last one, whose failure may
	 * be what closed it: that one goes back with the rest, to be sent again with the same
	 * Message-ID if it did arrive. (A message refused earlier in that session is the one
	 * case recorded SENT wrongly: JavaMailSenderImpl drops those failures here.)
	 */
	private static Map<Object, Exception> loginRefused(Collection<MimeMessage> messages,
			MailAuthenticationException ex) {
		SmtpUnreachableException refused = new SmtpUnreachableException("SMTP login refused", ex);
		List<MimeMessage> handedOver = messages.stream().filter(DeliveryWorker::handedOver).toList();
		Map<Object, Exception> failures = allFailed(messages, refused);
		handedOver.stream().limit(Math.max(handedOver.size() - 1, 0)).forEach(failures::remove);
		return failures;
	}

	/**
	 * Builds the message, or records why it cannot be built yet (the recipient's, the
	 * product's or the failed payment's event has not arrived) and returns empty.
	 */
	private Optional<Prepared> prepare(Delivery delivery, Map<String, Optional<Terms>> termsCache)
			throws MessagingException, UnsupportedEncodingException {
		Map<String, Object> variables = delivery.variables();
		String supersededBy = supersededBy(delivery, variables);
		if (supersededBy != null) {
			log.info("Mail {} {} to {} not sent: {}", delivery.kind(), delivery.id(), delivery.recipientId(),
					supersededBy);
			this.deliveries.superseded(delivery, supersededBy);
			return Optional.empty();
		}
		Recipient recipient = this.directory.recipient(delivery.recipientId()).orElse(null);
		if (recipient == null) {
			awaitProjection(delivery, "recipient " + delivery.recipientId() + " unknown (no user.* event yet)");
			return Optional.empty();
		}
		// Checked before anything else: an address the transport would mangle must fail
		// here, alone, not misdirect the mail or break the session for the whole batch.
		String email = Addresses.ascii(recipient.email());
		if (delivery.kind() == MailKind.TERMS_CHANGED) {
			UUID productId = UUID.fromString((String) variables.get("productId"));
			int version = ((Number) variables.get("termsVersion")).intValue();
			Terms terms = termsCache
				.computeIfAbsent(delivery.sourceKey(), (key) -> this.directory.terms(productId, version))
				.orElseThrow(() -> new IllegalStateException("terms " + delivery.sourceKey() + " not stored"));
			variables.put("productTitle", terms.title());
			variables.put("terms", terms.terms());
			variables.put("effectiveAt", terms.effectiveAt());
		}
		if (delivery.kind() == MailKind.PAYMENT_FAILED) {
			// The amount charged, from payment.failed (the past-due event's price is the
			// current plan's, not a pending downgrade's). Its source is the payment.
			Amount charged = this.directory.failedPayment(UUID.fromString(delivery.sourceKey())).orElse(null);
			if (charged == null) {
				awaitProjection(delivery, "payment " + delivery.sourceKey() + " unknown (no payment.failed yet)");
				return Optional.empty();
			}
			variables.put("price", charged.minorUnits());
			variables.put("currency", charged.currency());
		}
		if (variables.get("productId") instanceof String productId && !variables.containsKey("productTitle")) {
			String title = this.directory.productTitle(UUID.fromString(productId)).orElse(null);
			if (title == null) {
				awaitProjection(delivery, "product " + productId + " unknown (no product.upserted yet)");
				return Optional.empty();
			}
			variables.put("productTitle", title);
		}
		Composed mail = this.composer.compose(delivery.kind(), recipient, variables);
		MimeMessage message = this.sender.createMimeMessage();
		MimeMessageHelper helper = new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED,
				"UTF-8");
		helper.setFrom(this.properties.from());
		helper.setReplyTo(this.properties.replyTo());
		helper.setTo(new InternetAddress(email, recipient.name(), "UTF-8"));
		setSubject(helper, mail.subject());
		helper.setText(mail.text(), mail.html());
		// Fixed when the delivery was queued: a resend is recognisably the same mail.
		// JavaMailSenderImpl keeps an explicitly set Message-ID.
		message.setHeader("Message-ID", delivery.messageId());
		message.setHeader("Auto-Submitted", "auto-generated");
		return Optional.of(new Prepared(message, email));
	}

	/**
	 * Sets the subject so that it reads back exactly as written. Angus Mail leaves an
	 * all-ASCII subject unencoded (also when asked for base64), and mail clients decode
	 * what looks like an RFC 2047 encoded-word in it: a product named
	 * {@code =?UTF-8?B?7ZW07Iuc?=} showed as "해시" in an English subject, text its seller
	 * never wrote (bidi controls, say, which titles may not hold) in a mail from our
	 * domain. A subject containing {@code =?} is encoded whole; any other as before.
	 */
	private static void setSubject(MimeMessageHelper helper, String subject) throws MessagingException {
		if (subject.contains("=?")) {
			helper.getMimeMessage().setHeader("Subject", MimeUtility.fold(9, encodedWords(subject)));
		}
		else {
			helper.setSubject(subject);
		}
	}

	/**
	 * The text as UTF-8 base64 encoded-words, split between characters: at most 39 bytes,
	 * 64 characters, a word, so each line of the folded header ("Subject: " on the first)
	 * stays within RFC 2047's 76.
	 */
	private static String encodedWords(String text) {
		StringBuilder words = new StringBuilder();
		StringBuilder word = new StringBuilder();
		int bytes = 0;
		for (int codePoint : text.codePoints().toArray()) {
			int size = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8).length;
			if (bytes + size > 39) {
				appendEncodedWord(words, word);
				word.setLength(0);
				bytes = 0;
			}
			word.appendCodePoint(codePoint);
			bytes += size;
		}
		appendEncodedWord(words, word);
		return words.toString();
	}

	private static void appendEncodedWord(StringBuilder words, CharSequence text) {
		if (!words.isEmpty()) {
			words.append(' ');
		}
		words.append("=?UTF-8?B?")
			.append(Base64.getEncoder().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8)))
			.append("?=");
	}

	/**
	 * Why a mail about a subscription's state is no longer to be sent, or null. Whether
	 * it was the newest state was checked when it was queued (MailEvents), but a mail
	 * retried after a transient failure (5 s, doubling) can still be waiting when the
	 * subscriber changes it again: a cancel they withdrew would then arrive after the
	 * mail saying it was withdrawn, and be their last word while they are charged. So it
	 * is checked again here. A mail gives way to a mail about a newer state of the
	 * subscription sent or still due, not to any newer state: a cancel taking effect, or
	 * a plan change, has no mail of its own then, and the subscriber would hear nothing.
	 * So does a renewal notice (a cancel's mail, the resume's saying when it renews, a
	 * new notice with the new price after a plan change); and it is not sent once the
	 * renewal it announces is due (dropped for any newer state, a notice delayed by a
	 * cancel and resume was never sent again: payment-service announces a renewal once).
	 * Rows queued before the payload carried the subscription's version are sent as they
	 * are.
	 */
	private String supersededBy(Delivery delivery, Map<String, Object> variables) {
		if (!STATE_MAIL.contains(delivery.kind()) || !(variables.get("subscriptionId") instanceof String subscription)
				|| !(variables.get("subscriptionVersion") instanceof Number version)) {
			return null;
		}
		if (this.deliveries.newerSubscriptionMail(delivery.recipientId(), delivery.id(), subscription,
				version.longValue())) {
			return "superseded: a mail about a newer state of subscription " + subscription + " than version " + version
					+ " was sent or is due";
		}
		if (delivery.kind() == MailKind.RENEWAL_UPCOMING && variables.get("renewsAt") instanceof String renewsAt
				&& isPast(renewsAt)) {
			return "superseded: the renewal it announces, at " + renewsAt + ", is due";
		}
		return null;
	}

	private static boolean isPast(String isoInstant) {
		try {
			return !Instant.parse(isoInstant).isAfter(Instant.now());
		}
		catch (DateTimeException ex) {
			return false;
		}
	}

	/** A failure that is about the mail (not the server being away). */
	private void record(Delivery delivery, Exception failure) {
		if (SmtpFailure.of(failure) == SmtpFailure.PERMANENT) {
			fail(delivery, describe(failure));
		}
		else {
			retryOrFail(delivery, describe(failure));
		}
	}

	private void retryOrFail(Delivery delivery, String error) {
		if (delivery.attempts() + 1 >= this.settings.maxAttempts()) {
			fail(delivery, error);
			return;
		}
		Duration backoff = this.settings.initialBackoff().multipliedBy(1L << Math.min(delivery.attempts(), 20));
		this.deliveries.retryLater(delivery, error,
				(backoff.compareTo(this.settings.maxBackoff()) > 0) ? this.settings.maxBackoff() : backoff);
	}

	/**
	 * A projection the mail needs is not there yet: its event is late (a queue or an
	 * outbox lagging, a new environment before its backfill). That says nothing about the
	 * mail or SMTP, so it costs no attempt: counted as one, a lag of two hours would fail
	 * every welcome, receipt and confirmation queued meanwhile. The mail waits instead,
	 * retried as long apart as it has waited so far ({@code initialBackoff} to
	 * {@code maxBackoff}), and is FAILED only after {@code projectionWait}.
	 */
	private void awaitProjection(Delivery delivery, String error) {
		Duration waited = (delivery.waitingSince() != null) ? Duration.between(delivery.waitingSince(), Instant.now())
				: Duration.ZERO;
		if (waited.compareTo(this.settings.projectionWait()) >= 0) {
			log.warn("Mail {} {} to {} failed for good after waiting {}: {}", delivery.kind(), delivery.id(),
					delivery.recipientId(), waited, withoutAddresses(error));
			this.deliveries.failedWaiting(delivery, error);
			Counter.builder("moa.mail.failed").tag("kind", delivery.kind().name()).register(this.meters).increment();
			return;
		}
		if (delivery.waitingSince() == null) {
			log.info("Mail {} {} to {} waits: {}", delivery.kind(), delivery.id(), delivery.recipientId(),
					withoutAddresses(error));
		}
		Duration after = waited.isNegative() ? Duration.ZERO : waited;
		after = atMost(after, this.settings.maxBackoff());
		if (after.compareTo(this.settings.initialBackoff()) < 0) {
			after = this.settings.initialBackoff();
		}
		this.deliveries.waitForProjection(delivery, error, after);
	}

	private void fail(Delivery delivery, String error) {
		log.warn("Mail {} {} to {} failed for good: {}", delivery.kind(), delivery.id(), delivery.recipientId(),
				withoutAddresses(error));
		this.deliveries.failed(delivery, error);
		Counter.builder("moa.mail.failed").tag("kind", delivery.kind().name()).register(this.meters).increment();
	}

	private static String describe(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null && text.length() < 1500; cause = cause.getCause()) {
			if (!text.isEmpty()) {
				text.append(" <- ");
			}
			text.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
			if (cause instanceof MessagingException ex && ex.getNextException() != null
					&& ex.getNextException() != cause.getCause()) {
				text.append(" <- ").append(ex.getNextException().getMessage());
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return text.toString();
	}

	/**
	 * A copy of the failure and its causes (ten at most) for the log: each one's class,
	 * message without addresses and stack trace.
	 */
	private static RuntimeException withoutAddresses(Throwable failure, int depth) {
		Throwable cause = failure.getCause();
		RuntimeException copy = new RuntimeException(
				failure.getClass().getName() + ": " + withoutAddresses(failure.getMessage()),
				(cause != null && cause != failure && depth < 10) ? withoutAddresses(cause, depth + 1) : null);
		copy.setStackTrace(failure.getStackTrace());
		return copy;
	}

	/**
	 * A failure as the log shows it: {@link #describe} without addresses. SMTP replies
	 * quote the recipient ({@code 550 5.1.1 <bob@example.com>: no such mailbox}), and
	 * PgJDBC quotes a failed batch's statements with their values.
	 */
	private static String loggable(Throwable failure) {
		return withoutAddresses(describe(failure));
	}

	/**
	 * The text with every email-like token (and the angle brackets around it) replaced by
	 * {@code <address>}, so a log line names no recipient (the delivery and user ids say
	 * whose mail it was). An SMTP reply keeps its code and enhanced status.
	 */
	static String withoutAddresses(String text) {
		return (text != null) ? EMAIL_LIKE.matcher(text).replaceAll("<address>") : null;
	}

	private record Prepared(MimeMessage message, String email) {
	}

}
