package com.moa.mail.recipient;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.moa.mail.delivery.Deliveries;
import com.moa.mail.delivery.MailKind;
import com.moa.platform.events.EventEnvelope;
import com.moa.platform.events.EventInbox;
import com.moa.platform.events.EventTopology;
import com.moa.platform.events.EventsAutoConfiguration;
import com.moa.platform.events.InvalidEventException;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Turns other services' events into projections and queued mail, in the inbox's
 * transaction: a redelivered event is skipped, and the delivery log's unique key keeps a
 * second event about the same thing (another id, same terms version) from queueing a
 * second mail. Nothing is sent here.
 */
@Configuration(proxyBeanMethods = false)
class MailEvents {

	private static final Pattern CANONICAL_UUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	static final String USERS = "mail.user-events";

	static final String PRODUCTS = "mail.product-events";

	static final String SUBSCRIPTIONS = "mail.subscription-events";

	private final EventInbox inbox;

	private final Directory directory;

	private final Deliveries deliveries;

	MailEvents(EventInbox inbox, Directory directory, Deliveries deliveries) {
		this.inbox = inbox;
		this.directory = directory;
		this.deliveries = deliveries;
	}

	@Bean
	Declarables mailUserEventsQueue() {
		return EventTopology.consumerQueue(USERS, "user.registered", "user.updated");
	}

	@Bean
	Declarables mailProductEventsQueue() {
		return EventTopology.consumerQueue(PRODUCTS, "product.upserted", "product.removed", "product.terms-changed");
	}

	@Bean
	Declarables mailSubscriptionEventsQueue() {
		return EventTopology.consumerQueue(SUBSCRIPTIONS, "subscription.*", "payment.*");
	}

	@RabbitListener(queues = USERS, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onUser(EventEnvelope event) {
		this.inbox.receive(USERS, event, (received) -> {
			JsonNode data = received.data();
			UUID userId = uuid(data, "userId");
			this.directory.storeUser(userId, text(data, "email"), text(data, "name"),
					data.path("locale").asString("ko"), data.path("version").asLong(0));
			if (received.type().equals("user.registered")) {
				this.deliveries.enqueue(MailKind.WELCOME, userId.toString(), userId, Map.of());
			}
		});
	}

	@RabbitListener(queues = PRODUCTS, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onProduct(EventEnvelope event) {
		this.inbox.receive(PRODUCTS, event, (received) -> {
			JsonNode data = received.data();
			UUID productId = uuid(data, "productId");
			switch (received.type()) {
				case "product.upserted" ->
					this.directory.storeProduct(productId, text(data, "title"), data.path("version").asLong(0));
				case "product.terms-changed" -> termsChanged(productId, data, received.time());
				default -> {
					// product.removed: nothing to mail; its subscriptions end through
					// payment.
				}
			}
		});
	}

	/**
	 * Every subscriber live when the change is processed who has not agreed to it (an
	 * older accepted version, or, unknown, live already before it changed: the event's
	 * time) gets one mail per (product, terms version); the same version arriving again
	 * queues nothing more. The text is kept once per version, not in each subscriber's
	 * row.
	 */
	private void termsChanged(UUID productId, JsonNode data, Instant changedAt) {
		int version = data.path("termsVersion").asInt(0);
		this.directory.storeTerms(productId, version, text(data, "title"), text(data, "terms"),
				data.path("effectiveAt").asString(null), changedAt);
		this.deliveries.enqueueTermsChange(productId, version);
	}

	@RabbitListener(queues = SUBSCRIPTIONS, containerFactory = EventsAutoConfiguration.LISTENER_CONTAINER_FACTORY)
	void onSubscription(EventEnvelope event) {
		this.inbox.receive(SUBSCRIPTIONS, event, (received) -> {
			JsonNode data = received.data();
			if (received.type().equals("payment.failed")) {
				failedPayment(data);
				return;
			}
			if (!received.type().startsWith("subscription.")) {
				// payment.succeeded: the subscription events tell what a subscriber
				// needs.
				return;
			}
			UUID subscriptionId = uuid(data, "subscriptionId");
			UUID userId = uuid(data, "userId");
			UUID productId = uuid(data, "productId");
			// The envelope's time, not data.occurredAt: that is payment's billing clock,
			// which its test clock moves, while terms changes carry seller's real time.
			if (this.directory.storeSubscription(subscriptionId, userId, productId,
					data.path("status").asString("ACTIVE"), data.path("version").asLong(0), received.time(),
					acceptedTermsVersion(data))) {
				// Terms changes processed before this event but due to the subscriber.
				this.deliveries.enqueueMissedTerms(productId, subscriptionId);
			}
			// The title is read when the mail is sent: product events may arrive later.
			Map<String, Object> payload = new LinkedHashMap<>();
			payload.put("productId", productId.toString());
			// The state the mail is about: a cancel, resume or renewal notice superseded
			// by a newer one before it goes out is not sent (DeliveryWorker).
			payload.put("subscriptionId", subscriptionId.toString());
			payload.put("subscriptionVersion", data.path("version").asLong(0));
			payload.put("price", data.path("price").asLong(0));
			payload.put("currency", data.path("currency").asString("KRW"));
			payload.put("billingPeriod", data.path("billingPeriod").asString(""));
			payload.put("currentPeriodEnd", data.path("currentPeriodEnd").asString(null));
			String subscription = subscriptionId.toString();
			switch (received.type()) {
				case "subscription.activated" ->
					this.deliveries.enqueue(MailKind.SUBSCRIPTION_CONFIRMED, subscription, userId, payload);
				case "subscription.renewed" -> this.deliveries.enqueue(MailKind.RENEWAL_RECEIPT,
						uuid(data, "paymentId").toString(), userId, payload);
				case "subscription.past-due" -> {
					payload.put("nextRetryAt", data.path("nextRetryAt").asString(null));
					this.deliveries.enqueue(MailKind.PAYMENT_FAILED, uuid(data, "paymentId").toString(), userId,
							payload);
				}
				case "subscription.renewal-upcoming" -> renewalUpcoming(data, subscriptionId, userId, payload);
				case "subscription.canceled" -> canceled(data, subscriptionId, userId, payload);
				case "subscription.resumed" -> {
					long version = data.path("version").asLong(0);
					if (this.directory.isNewest(subscriptionId, version)) {
						this.deliveries.enqueue(MailKind.SUBSCRIPTION_RESUMED, subscription + ":v" + version, userId,
								payload);
					}
				}
				case "subscription.expired" ->
					this.deliveries.enqueue(MailKind.SUBSCRIPTION_EXPIRED, subscription, userId, payload);
				default -> {
					// plan-changed: no mail of its own (yet).
				}
			}
		});
	}

	/**
	 * "Renews on X" only while that is still true: payment-service announces it for an
	 * ACTIVE subscription with no cancel pending, and every later change (a cancel asked
	 * for or taken effect, an expiry, a plan change, the renewal itself) has a newer
	 * version. Processed after such a change (a retry, two instances), the notice would
	 * be the subscriber's last word, after they canceled. An announcement of another
	 * state is not mailed either.
	 */
	private void renewalUpcoming(JsonNode data, UUID subscriptionId, UUID userId, Map<String, Object> payload) {
		if (!"ACTIVE".equals(data.path("status").asString("ACTIVE"))
				|| !this.directory.isNewest(subscriptionId, data.path("version").asLong(0))) {
			return;
		}
		payload.put("renewsAt", data.path("renewsAt").asString(null));
		payload.put("price", data.path("renewalPrice").asLong(data.path("price").asLong(0)));
		// One per announcement (its version), not per renewal: a plan change after the
		// notice announces the new price for the same renewal again.
		this.deliveries.enqueue(MailKind.RENEWAL_UPCOMING,
				subscriptionId + ":" + text(data, "renewsAt") + ":v" + data.path("version").asLong(0), userId, payload);
	}

	/**
	 * A period-end cancel is published when asked for (still ACTIVE), maybe again after a
	 * resume, and when it takes effect (CANCELED), with the same end: each request is
	 * mailed unless a newer state came first (resumed, or taken effect), the taking
	 * effect only if no request was (one asked for before this release) or the newest
	 * request's mail FAILED. A cancel now has its own end and is mailed too.
	 */
	private void canceled(JsonNode data, UUID subscriptionId, UUID userId, Map<String, Object> payload) {
		String effectiveAt = instant(data, "effectiveAt").toString();
		payload.put("effectiveAt", effectiveAt);
		String key = subscriptionId + ":" + effectiveAt;
		if (data.path("atPeriodEnd").asBoolean(false)) {
			if ("ACTIVE".equals(data.path("status").asString(""))) {
				long version = data.path("version").asLong(0);
				if (!this.directory.isNewest(subscriptionId, version)) {
					return;
				}
				key += ":v" + version;
			}
			else if (this.deliveries.newestSentOrPending(MailKind.SUBSCRIPTION_CANCELED, key + ":v", userId)) {
				return;
			}
		}
		this.deliveries.enqueue(MailKind.SUBSCRIPTION_CANCELED, key, userId, payload);
	}

	/**
	 * The amount a charge asked for: what the "payment failed" mail states. A renewal
	 * with a downgrade pending charges the new plan's price, while
	 * {@code subscription.past-due} carries the current plan's price only.
	 */
	private void failedPayment(JsonNode data) {
		JsonNode amount = data.path("amount");
		if (!amount.isIntegralNumber()) {
			throw new InvalidEventException("event data 'amount' is not a whole number");
		}
		this.directory.storeFailedPayment(uuid(data, "paymentId"), amount.asLong(), text(data, "currency"));
	}

	/**
	 * The terms version the subscriber was shown when buying, or null when payment does
	 * not know it (absent or null) or says something no purchase can have accepted: then
	 * the time rule decides, as for a subscription bought without it, rather than the
	 * event (its confirmation mail, the projection) being refused.
	 */
	static Integer acceptedTermsVersion(JsonNode data) {
		JsonNode value = data.path("acceptedTermsVersion");
		if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
			return null;
		}
		return value.asInt();
	}

	/**
	 * A UUID in its canonical 36-character form, or a poison event: UUID.fromString takes
	 * "1-1-1-1-1" and throws IllegalArgumentException, which would be retried in vain.
	 */
	static UUID uuid(JsonNode node, String field) {
		String value = text(node, field);
		if (!CANONICAL_UUID.matcher(value).matches()) {
			throw new InvalidEventException("event data '" + field + "' is not a UUID");
		}
		return UUID.fromString(value);
	}

	private static Instant instant(JsonNode node, String field) {
		try {
			return Instant.parse(text(node, field));
		}
		catch (DateTimeParseException ex) {
			throw new InvalidEventException("event data '" + field + "' is not an instant");
		}
	}

	private static String text(JsonNode node, String field) {
		String value = node.path(field).asString(null);
		if (value == null) {
			throw new InvalidEventException("event data misses '" + field + "'");
		}
		return value;
	}

}
