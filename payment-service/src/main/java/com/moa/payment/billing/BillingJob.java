package com.moa.payment.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.moa.payment.PaymentProperties;
import com.moa.payment.catalog.Catalog;
import com.moa.payment.catalog.CatalogProduct;
import com.moa.payment.payment.Payment;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.payment.PaymentStatus;
import com.moa.payment.subscription.Subscription;
import com.moa.payment.subscription.SubscriptionEvents;
import com.moa.payment.subscription.SubscriptionRepository;
import com.moa.payment.subscription.SubscriptionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Everything billing time makes due: renewals at the period end, dunning retries,
 * period-end cancellations, expiry of subscriptions whose product no longer sells, and
 * renewal notices. Safe with any number of instances: due subscriptions are claimed with
 * {@code FOR UPDATE SKIP LOCKED} in a short transaction that also inserts the PENDING
 * charge, whose unique key (subscription, period start, kind, attempt) makes a second
 * charge for one period impossible; a subscription with a charge running is not claimed
 * again. Missed periods (the service was down) are charged once each when it returns.
 */
@Component
public class BillingJob implements ApplicationContextAware {

	private static final Logger log = LoggerFactory.getLogger(BillingJob.class);

	private final SubscriptionRepository subscriptions;

	private final PaymentRepository payments;

	private final Catalog catalog;

	private final SubscriptionEvents events;

	private final Charging charging;

	private final TransactionTemplate transaction;

	private final BillingClock clock;

	private final PaymentProperties.Billing settings;

	private final boolean scheduled;

	// One runner at a time in this instance (scheduler and test clock); other instances
	// are kept apart by the database.
	private final ReentrantLock running = new ReentrantLock();

	private final Counter renewalCharges;

	// A quarter of the reconciler's threshold: charges of a batch not sent by then are
	// given back well before the reconciler could take them for abandoned (the margin
	// is for the charge under way and a pause of the process).
	private final Duration sendWithin;

	// Set when the application begins to shut down: a batch under way gives back what it
	// has not sent instead of racing the closing pool, which left them PENDING for the
	// reconciler to settle as "nothing charged", putting each renewal off by an hour.
	private volatile boolean stopping;

	private ApplicationContext context;

	/** Charges never sent whose give-back failed: given back at the next round. */
	private final Queue<UUID> owedGiveBack = new ConcurrentLinkedQueue<>();

	BillingJob(SubscriptionRepository subscriptions, PaymentRepository payments, Catalog catalog,
			SubscriptionEvents events, Charging charging, TransactionTemplate transaction, BillingClock clock,
			PaymentProperties properties, @Value("${moa.payment.billing.scheduled:true}") boolean scheduled,
			MeterRegistry meters) {
		this.subscriptions = subscriptions;
		this.payments = payments;
		this.catalog = catalog;
		this.events = events;
		this.charging = charging;
		this.transaction = transaction;
		this.clock = clock;
		this.settings = properties.billing();
		this.sendWithin = properties.reconcileAfter().dividedBy(4);
		this.scheduled = scheduled;
		this.renewalCharges = Counter.builder("moa.payment.renewal.charges")
			.description("Renewal charges started by the billing job (their outcome: the payments' status)")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${moa.payment.billing.interval:10s}", initialDelayString = "5s")
	void onSchedule() {
		if (!this.scheduled) {
			return;
		}
		try {
			runUntilIdle();
		}
		catch (RuntimeException ex) {
			log.warn("Billing run failed; next run in {}", this.settings.interval(), ex);
		}
	}

	/**
	 * Runs rounds until nothing is due by billing time now.
	 * @return how many subscriptions were handled
	 */
	public int runUntilIdle() {
		this.running.lock();
		try {
			int handled = 0;
			int round;
			do {
				round = runOnce() + sendNotices();
				handled += round;
			}
			while (round > 0 && !this.stopping);
			return handled;
		}
		finally {
			this.running.unlock();
		}
	}

	/**
	 * One round: claims a batch of due subscriptions, settles what needs no charge, and
	 * charges the rest (outside the claiming transaction).
	 * @return how many subscriptions were claimed
	 */
	public int runOnce() {
		giveBackOwed();
		long claimedAt = System.nanoTime();
		Instant now = this.clock.now();
		List<Payment> toCharge = new ArrayList<>();
		Integer claimed = this.transaction.execute((status) -> {
			List<Subscription> due = this.subscriptions.claimDue(now, this.settings.batchSize());
			for (Subscription s : due) {
				Payment charge = handle(s, now);
				if (charge != null) {
					toCharge.add(charge);
				}
			}
			return due.size();
		});
		for (int i = 0; i < toCharge.size(); i++) {
			if (this.stopping || Thread.currentThread().isInterrupted()) {
				giveBack(toCharge.subList(i, toCharge.size()), "the application is stopping");
				break;
			}
			// The first is always sent, so that every round makes progress.
			if (i > 0 && System.nanoTime() - claimedAt > this.sendWithin.toNanos()) {
				giveBack(toCharge.subList(i, toCharge.size()), "not sent within " + this.sendWithin);
				break;
			}
			Payment payment = toCharge.get(i);
			this.renewalCharges.increment();
			try {
				this.charging.charge(payment);
			}
			catch (RuntimeException ex) {
				// One charge that cannot be sent or settled must not hold back the
				// rest of the batch; it stays PENDING for the reconciler.
				log.warn("Renewal charge {} of subscription {} failed; left to the reconciler", payment.id(),
						payment.subscriptionId(), ex);
			}
		}
		return (claimed != null) ? claimed : 0;
	}

	/**
	 * Deletes charges of this batch never handed to the provider (a slow provider: a
	 * batch of 100 at 2 s a charge outlasts the reconciler's threshold), so the next
	 * round claims them again with a fresh request time. Left PENDING, the reconciler
	 * would settle them as "nothing charged" and put the renewal off by the
	 * unavailable-retry hour.
	 */
	private void giveBack(List<Payment> unsent, String why) {
		List<UUID> ids = unsent.stream().map(Payment::id).toList();
		try {
			int given = this.payments.discardUnsent(ids);
			log.info("Billing batch gave back {} renewal charges ({}); claimed again next round", given, why);
		}
		catch (DataAccessException ex) {
			// The database went away mid-batch: owed, and given back by the next round
			// that reaches it, well before the reconciler would settle them as "nothing
			// charged" and put their renewals off by an hour.
			this.owedGiveBack.addAll(ids);
			log.warn("Billing batch could not give back {} renewal charges not sent ({}); next round will", ids.size(),
					ex.getMessage());
		}
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	/**
	 * The application begins to shut down (before any bean is stopped or destroyed): this
	 * one's context, not a child's (the management server's).
	 */
	@EventListener
	void onContextClosed(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.context) {
			onShutdown();
		}
	}

	void onShutdown() {
		this.stopping = true;
	}

	/**
	 * Lets a batch under way finish its charge at the provider and give back the rest
	 * before the database pool closes.
	 */
	@PreDestroy
	void awaitBatch() throws InterruptedException {
		if (this.running.tryLock(10, TimeUnit.SECONDS)) {
			this.running.unlock();
		}
	}

	/**
	 * Gives back what a failed {@link #giveBack} owes; throws while the database is away.
	 */
	private void giveBackOwed() {
		if (this.owedGiveBack.isEmpty()) {
			return;
		}
		List<UUID> ids = List.copyOf(this.owedGiveBack);
		int given = this.payments.discardUnsent(ids);
		this.owedGiveBack.removeAll(ids);
		log.info("Billing gave back {} renewal charges a failed round left unsent", given);
	}

	private Payment handle(Subscription s, Instant now) {
		if (this.payments.hasPending(s.id())) {
			// Claimed while a consumer's charge was committing (the claim's check saw the
			// statement's snapshot): it settles that charge first.
			return null;
		}
		if (s.status() == SubscriptionStatus.ACTIVE && s.cancelAtPeriodEnd()) {
			Subscription canceled = this.subscriptions
				.update(s.change().status(SubscriptionStatus.CANCELED).nextChargeAt(null).build(), now);
			this.events.canceled(canceled, true, s.currentPeriodEnd());
			return null;
		}
		CatalogProduct product = this.catalog.find(s.productId()).orElse(null);
		if (product == null || !product.isSellable()) {
			// Unpublished or removed: runs to the period end, then expires without
			// renewing; then, also when this runs later (an outage). One past due ends
			// now, as when its retries run out.
			Subscription expired = this.subscriptions
				.update(s.change().status(SubscriptionStatus.EXPIRED).nextChargeAt(null).build(), now);
			this.events.expired(expired, (s.status() == SubscriptionStatus.ACTIVE) ? s.currentPeriodEnd() : now);
			return null;
		}
		Instant periodStart = s.currentPeriodEnd();
		Payment payment = new Payment(UUID.randomUUID(), s.id(), s.userId(), s.sellerId(), s.productId(),
				s.renewalPrice(), s.currency(), PaymentStatus.PENDING, Payment.RENEWAL, periodStart,
				this.payments.attempts(s.id(), periodStart, Payment.RENEWAL), s.paymentToken(), s.renewalPlanId(), null,
				now);
		this.payments.insertPending(payment);
		return payment;
	}

	/**
	 * Publishes {@code subscription.renewal-upcoming} once per period, ahead of renewal,
	 * and again when a plan change after it changed the renewal price (the subscriber
	 * would otherwise be charged a price no mail announced).
	 */
	int sendNotices() {
		Instant now = this.clock.now();
		Integer sent = this.transaction.execute((status) -> {
			List<Subscription> due = this.subscriptions.claimNoticesDue(now.plus(this.settings.renewalNotice()), now,
					this.settings.batchSize());
			for (Subscription s : due) {
				CatalogProduct product = this.catalog.find(s.productId()).orElse(null);
				Subscription noted = this.subscriptions
					.update(s.change().renewalNoticeFor(s.currentPeriodEnd()).build(), now);
				this.subscriptions.noticedPrice(s.id(), noted.renewalPrice());
				if (product != null && product.isSellable()) {
					this.events.renewalUpcoming(noted);
				}
			}
			return due.size();
		});
		return (sent != null) ? sent : 0;
	}

}
