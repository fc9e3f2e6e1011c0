package com.moa.payment.billing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.moa.payment.PaymentProperties;
import com.moa.payment.payment.Payment;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.provider.ChargeResult;
import com.moa.payment.provider.PaymentProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Resolves charges left PENDING by a crash between the provider's answer and the commit
 * of its outcome: asks the provider about the payment's key (no second charge) and
 * settles what it did, or, when it has no charge under that key, settles as "nothing
 * charged". Only charges older than {@code moa.payment.reconcile-after} (real time,
 * longer than any provider answer takes) are touched, so one still in flight is never
 * judged.
 */
@Component
public class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private static final int BATCH_SIZE = 100;

	private final PaymentRepository payments;

	private final PaymentProvider provider;

	private final Charging charging;

	private final List<SettledListener> listeners;

	private final Duration after;

	Reconciler(PaymentRepository payments, PaymentProvider provider, Charging charging, List<SettledListener> listeners,
			PaymentProperties properties) {
		this.payments = payments;
		this.provider = provider;
		this.charging = charging;
		this.listeners = listeners;
		this.after = properties.reconcileAfter();
	}

	@Scheduled(fixedDelayString = "${moa.payment.reconcile-interval:30s}", initialDelayString = "10s")
	void onSchedule() {
		try {
			reconcile();
		}
		catch (RuntimeException ex) {
			log.warn("Reconciliation failed; trying again later", ex);
		}
	}

	/**
	 * Settles every stale charge, oldest first, in batches. One that fails to settle is
	 * logged and stays PENDING for the next run; the rest go on.
	 * @return how many stale charges were settled
	 */
	public int reconcile() {
		int settled = 0;
		// Charges this run failed to settle stay at the front of the oldest-first list:
		// skipped, so that however many keep failing they cannot hold back the others.
		// Those settled elsewhere meanwhile have left the list: skipping them too would
		// pass over as many stale ones, left for the next run.
		int skipped = 0;
		List<Payment> batch;
		do {
			batch = this.payments.pendingOlderThan(this.after, skipped, BATCH_SIZE);
			for (Payment pending : batch) {
				switch (settle(pending)) {
					case SETTLED -> settled++;
					case STILL_STALE -> skipped++;
					case NO_LONGER_STALE -> {
					}
				}
			}
		}
		while (batch.size() == BATCH_SIZE);
		return settled;
	}

	private Reconciled settle(Payment pending) {
		try {
			// Voided at the provider when it has no charge under the key: a request
			// still on its way can then no longer take the money after this settles
			// it as "nothing charged".
			Optional<ChargeResult> known = Charging.isFree(pending) ? Optional.of(ChargeResult.SUCCEEDED)
					: this.provider.find(pending.id()).or(() -> this.provider.voidUnlessCharged(pending.id()));
			// No record at the provider means nothing was charged, unless the charge was
			// handed to it again since this list was read (then it is left alone: the
			// void makes that one answer "unavailable").
			Charging.Settled outcome = known.isPresent() ? this.charging.settle(pending, known.get())
					: this.charging.settleIfRequestedBefore(pending, ChargeResult.UNAVAILABLE, this.after);
			if (!outcome.byThisCall()) {
				// Settled by its own request or another instance, or handed to the
				// provider again: no longer PENDING or no longer stale.
				return Reconciled.NO_LONGER_STALE;
			}
			log.warn("Reconciled charge {} ({} of subscription {}) left pending: {}", pending.id(), pending.kind(),
					pending.subscriptionId(), outcome.result().outcome());
			this.listeners.forEach((listener) -> listener.onReconciled(outcome));
			return Reconciled.SETTLED;
		}
		catch (RuntimeException ex) {
			log.warn("Could not reconcile charge {} ({} of subscription {}); trying again next run", pending.id(),
					pending.kind(), pending.subscriptionId(), ex);
			return Reconciled.STILL_STALE;
		}
	}

	private enum Reconciled {

		SETTLED, NO_LONGER_STALE, STILL_STALE

	}

	/** Told about charges the reconciler settled (the purchase completes its key). */
	public interface SettledListener {

		void onReconciled(Charging.Settled settled);

	}

}
