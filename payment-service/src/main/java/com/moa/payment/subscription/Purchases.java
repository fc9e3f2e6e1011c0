package com.moa.payment.subscription;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.moa.payment.PaymentProperties;
import com.moa.payment.billing.BillingClock;
import com.moa.payment.billing.Charging;
import com.moa.payment.billing.Reconciler;
import com.moa.payment.catalog.Catalog;
import com.moa.payment.catalog.CatalogPlan;
import com.moa.payment.catalog.CatalogProduct;
import com.moa.payment.idempotency.IdempotencyKeys;
import com.moa.payment.idempotency.StoredResponse;
import com.moa.payment.payment.Payment;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.payment.PaymentStatus;
import com.moa.payment.provider.ChargeResult;
import com.moa.payment.provider.PaymentProvider;
import com.moa.platform.security.AuthenticatedUser;
import com.moa.platform.web.ApiProblemException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code POST /api/subscriptions} with its {@code Idempotency-Key}: one purchase per key,
 * whatever arrives concurrently or again. The first request with a key does the work and
 * stores its answer; a repeat with the same body gets that answer again, one with another
 * body 422, and one arriving while the first still runs waits for it (up to
 * {@code moa.payment.idempotency.in-progress-wait}, then 409
 * {@code request-in-progress}). The answers of a charge are stored (201, 402); a request
 * refused before it charged anything (4xx, or 503 from an unavailable provider) releases
 * the key, so a retry is served afresh.
 */
@Service
public class Purchases implements Reconciler.SettledListener {

	private final IdempotencyKeys keys;

	private final Catalog catalog;

	private final PaymentProvider provider;

	private final SubscriptionRepository subscriptions;

	private final PaymentRepository payments;

	private final Charging charging;

	private final TransactionTemplate transaction;

	private final BillingClock clock;

	private final JsonMapper json;

	private final Duration inProgressWait;

	Purchases(IdempotencyKeys keys, Catalog catalog, PaymentProvider provider, SubscriptionRepository subscriptions,
			PaymentRepository payments, Charging charging, TransactionTemplate transaction, BillingClock clock,
			JsonMapper json, PaymentProperties properties) {
		this.keys = keys;
		this.catalog = catalog;
		this.provider = provider;
		this.subscriptions = subscriptions;
		this.payments = payments;
		this.charging = charging;
		this.transaction = transaction;
		this.clock = clock;
		this.json = json;
		this.inProgressWait = properties.idempotency().inProgressWait();
	}

	/** The answer to this purchase request, first-time or replayed. */
	Answer purchase(AuthenticatedUser user, String key, SubscribeRequest request) {
		String hash = hash(request);
		long deadline = System.nanoTime() + this.inProgressWait.toNanos();
		long pause = 20;
		while (true) {
			UUID claimId = UUID.randomUUID();
			Optional<IdempotencyKeys.Entry> existing = this.keys.claim(user.id(), key, hash, claimId);
			if (existing.isEmpty()) {
				return new Answer(execute(user, key, claimId, request), false);
			}
			IdempotencyKeys.Entry entry = existing.get();
			if (!entry.requestHash().equals(hash) && !entry.requestHash().equals(hashWithoutTermsVersion(request))) {
				throw SubscriptionProblems.keyReused();
			}
			if (entry.done()) {
				return new Answer(entry.response(), true);
			}
			Optional<StoredResponse> recovered = recover(user, key, entry);
			if (recovered.isPresent()) {
				return new Answer(recovered.get(), true);
			}
			if (System.nanoTime() > deadline) {
				throw SubscriptionProblems.inProgress();
			}
			sleep(pause);
			pause = Math.min(pause * 2, 200);
		}
	}

	private StoredResponse execute(AuthenticatedUser user, String key, UUID claimId, SubscribeRequest request) {
		StoredResponse response;
		try {
			response = buy(user, key, claimId, request);
		}
		catch (ApiProblemException problem) {
			// Refused before anything was charged (a 4xx, or 503 from an unavailable
			// provider): the key is given back, not bound to the refusal, so a retry is
			// served afresh: the catalog copy may have caught up, another purchase of the
			// product may have settled.
			this.keys.release(user.id(), key, claimId);
			throw problem;
		}
		catch (RuntimeException ex) {
			// Failed before its charge was recorded (e.g. the database): the key is given
			// back for a retry. After, the charge's settle (or the reconciler) answers
			// it.
			try {
				this.keys.releaseUnattached(user.id(), key, claimId);
			}
			catch (RuntimeException releaseFailed) {
				ex.addSuppressed(releaseFailed);
			}
			throw ex;
		}
		this.keys.complete(user.id(), key, claimId, response);
		return response;
	}

	/**
	 * A key still in progress whose request is gone: one that died before recording its
	 * purchase is released (the next claim takes it); one whose charge settled without
	 * its answer being stored (it died in between) gets the answer from the settled
	 * charge. Either way the client's retry is answered instead of waiting for the key's
	 * expiry.
	 */
	private Optional<StoredResponse> recover(AuthenticatedUser user, String key, IdempotencyKeys.Entry entry) {
		if (entry.subscriptionId() == null) {
			if (entry.abandoned()) {
				this.keys.releaseUnattached(user.id(), key, entry.claimId());
			}
			return Optional.empty();
		}
		Payment initial = this.payments.findInitial(entry.subscriptionId()).orElse(null);
		if (initial == null || initial.status() == PaymentStatus.PENDING) {
			return Optional.empty(); // still running, or the reconciler's
		}
		Subscription subscription = this.subscriptions.find(entry.subscriptionId()).orElseThrow();
		try {
			StoredResponse response = respond(
					new Charging.Settled(initial, subscription, Charging.resultOf(initial), false));
			this.keys.completeFor(entry.subscriptionId(), response);
			return Optional.of(response);
		}
		catch (ApiProblemException unavailable) {
			this.keys.releaseFor(entry.subscriptionId());
			return Optional.empty();
		}
	}

	private StoredResponse buy(AuthenticatedUser user, String key, UUID claimId, SubscribeRequest request) {
		if (!this.provider.accepts(request.paymentMethod().token())) {
			throw SubscriptionProblems.invalidToken();
		}
		CatalogProduct product = this.catalog.find(request.productId())
			.filter(CatalogProduct::isSellable)
			.orElseThrow(() -> SubscriptionProblems.notFound("product " + request.productId()));
		CatalogPlan plan = product.plan(request.planId())
			.orElseThrow(() -> SubscriptionProblems.notFound("plan " + request.planId()));
		if (product.sellerId().equals(user.id())) {
			throw SubscriptionProblems.invalid("productId", "is your own product");
		}
		Instant now = this.clock.now();
		Subscription pending = new Subscription(UUID.randomUUID(), user.id(), product.id(), product.sellerId(),
				product.title(), plan.id(), plan.name(), plan.billingPeriod(), plan.price(), plan.currency(),
				SubscriptionStatus.PENDING, request.paymentMethod().token(), null, null, null, false, null, null, 0,
				null, null, 0, now, now, acceptedTermsVersion(request, product));
		Payment payment = new Payment(UUID.randomUUID(), pending.id(), user.id(), product.sellerId(), product.id(),
				plan.price(), plan.currency(), PaymentStatus.PENDING, Payment.INITIAL, now, 0,
				request.paymentMethod().token(), plan.id(), null, now);
		// Committed before the provider is asked: a crash after the charge leaves a trace
		// the reconciler finds.
		try {
			this.transaction.executeWithoutResult((status) -> {
				this.subscriptions.insertPending(pending);
				this.payments.insertPending(payment);
				if (!this.keys.attach(user.id(), key, claimId, pending.id())) {
					// Too slow: declared abandoned; another request with the key holds it
					// now. Nothing is charged here: that request answers for the key.
					throw SubscriptionProblems.inProgress();
				}
			});
		}
		catch (DuplicateKeyException ex) {
			// Only the one-live-subscription index can collide (every id here is new),
			// and only after the rollback can the row in the way be read.
			throw liveSubscriptionConflict(user.id(), product.id());
		}
		return respond(this.charging.charge(payment));
	}

	/**
	 * 409 {@code already-subscribed} for an active (or past-due) subscription; while
	 * another purchase of the product is still being charged, or has just failed, a
	 * retryable 409 instead: that purchase may yet be declined.
	 */
	private ApiProblemException liveSubscriptionConflict(UUID userId, UUID productId) {
		boolean subscribed = this.subscriptions.liveStatus(userId, productId)
			.filter((status) -> status != SubscriptionStatus.PENDING)
			.isPresent();
		return subscribed ? SubscriptionProblems.alreadySubscribed() : SubscriptionProblems.purchaseInProgress();
	}

	/**
	 * The answer a settled first charge gives, also used by the reconciler to complete a
	 * key whose request died: 201 with the subscription, 402 for a decline; for an
	 * unavailable provider the key is released and 503 thrown.
	 */
	public StoredResponse respond(Charging.Settled settled) {
		ChargeResult result = settled.result();
		return switch (result.outcome()) {
			case SUCCEEDED ->
				new StoredResponse(201, this.json.writeValueAsString(SubscriptionView.of(settled.subscription())));
			case DECLINED -> problem(SubscriptionProblems.declined(result.reason()));
			case UNAVAILABLE -> throw SubscriptionProblems.providerUnavailable();
		};
	}

	/** A purchase whose request died after charging: its key gets the answer now. */
	@Override
	public void onReconciled(Charging.Settled settled) {
		if (!Payment.INITIAL.equals(settled.payment().kind())) {
			return;
		}
		UUID subscriptionId = settled.payment().subscriptionId();
		if (settled.result().outcome() == ChargeResult.Outcome.UNAVAILABLE) {
			this.keys.releaseFor(subscriptionId);
		}
		else {
			this.keys.completeFor(subscriptionId, respond(settled));
		}
	}

	private StoredResponse problem(ApiProblemException problem) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus().value());
		body.put("detail", problem.getMessage());
		body.putAll(problem.getProperties());
		return new StoredResponse(problem.getStatus().value(), this.json.writeValueAsString(body));
	}

	/**
	 * The terms version the app says it showed, at most the product's latest one known
	 * here: mail-service mails every version above it, so a number too high (an app bug)
	 * would silence the terms notices of this subscription for good, while one too low
	 * (this catalog lagging behind what the app showed) costs at most a mail repeating
	 * terms the consumer saw.
	 */
	private static Integer acceptedTermsVersion(SubscribeRequest request, CatalogProduct product) {
		if (request.termsVersion() == null) {
			return null;
		}
		int shown = request.termsVersion().intValue();
		return (product.termsVersion() != null) ? Math.min(shown, product.termsVersion()) : shown;
	}

	/**
	 * A key first used without {@code termsVersion} replays for the same purchase with
	 * it: a previous release (still running during a rolling update) ignored the field
	 * and stored the hash without it, and the purchase it answered is this one. The other
	 * way round, the previous release answers 422 (docs/operations.md).
	 */
	private static String hashWithoutTermsVersion(SubscribeRequest request) {
		return (request.termsVersion() != null)
				? hash(new SubscribeRequest(request.productId(), request.planId(), request.paymentMethod(), null))
				: hash(request);
	}

	private static String hash(SubscribeRequest request) {
		String canonical = request.productId() + "|" + request.planId() + "|" + request.paymentMethod().token();
		if (request.termsVersion() != null) {
			// Appended only when sent: a body without it hashes as before, so keys stored
			// by an older release still replay. A line break cannot occur in a token
			// (TextRules), so no token can imitate this suffix.
			canonical += "\ntermsVersion=" + request.termsVersion();
		}
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw SubscriptionProblems.inProgress();
		}
	}

	/**
	 * @param response status and body
	 * @param replayed whether it was stored by an earlier request
	 */
	record Answer(StoredResponse response, boolean replayed) {
	}

}
