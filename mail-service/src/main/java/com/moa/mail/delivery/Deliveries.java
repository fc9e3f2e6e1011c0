package com.moa.mail.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.moa.mail.recipient.Addresses;
import jakarta.mail.internet.AddressException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The delivery log: one row per mail to one recipient, written before anything is sent,
 * unique per (kind, source, recipient), with a Message-ID fixed at that moment. It is
 * what the sender works from and the proof of what was sent.
 */
@Repository
public class Deliveries {

	static final String MESSAGE_ID_DOMAIN = "mail.moa-subscribe";

	/**
	 * A plain mapper for payloads: they hold what producers already checked (terms with
	 * line breaks), not request input for the web's strict text rules.
	 */
	private static final String[] KNOWN_KINDS = Arrays.stream(MailKind.values())
		.map(MailKind::name)
		.toArray(String[]::new);

	private static final JsonMapper PAYLOAD_JSON = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JdbcTemplate jdbcTemplate;

	Deliveries(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
	}

	/**
	 * Queues one mail, unless this kind of mail about this source was already queued for
	 * the recipient (then nothing happens). Runs in the caller's transaction.
	 * @return whether a new delivery was queued
	 */
	public boolean enqueue(MailKind kind, String sourceKey, UUID recipientId, Map<String, Object> payload) {
		UUID id = UUID.randomUUID();
		return this.jdbc.sql("""
				INSERT INTO deliveries (id, kind, source_key, recipient_id, payload, priority, status, message_id)
				VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, 'QUEUED', ?)
				ON CONFLICT (kind, source_key, recipient_id) DO NOTHING""")
			.params(id, kind.name(), sourceKey, recipientId, PAYLOAD_JSON.writeValueAsString(payload), kind.priority(),
					messageId(id))
			.update() == 1;
	}

	/**
	 * Whether the newest mail of this kind whose source starts with the prefix was sent
	 * to the recipient or still may be: not FAILED (a mail that never arrived told them
	 * nothing, and an older one that did was followed by others since, e.g. a resume).
	 */
	public boolean newestSentOrPending(MailKind kind, String sourcePrefix, UUID recipientId) {
		return this.jdbc.sql("""
				SELECT coalesce((SELECT status <> 'FAILED' FROM deliveries
				                 WHERE recipient_id = ? AND kind = ? AND starts_with(source_key, ?)
				                 ORDER BY created_at DESC, id LIMIT 1), false)""")
			.params(recipientId, kind.name(), sourcePrefix)
			.query(Boolean.class)
			.single();
	}

	/**
	 * Whether a mail about a newer state of the subscription than {@code version} was
	 * sent to the recipient or still may be (queued, being sent); {@code id} is the
	 * asking mail's own row. Subscription mails carry their subscription and its version
	 * in the payload (MailEvents).
	 */
	boolean newerSubscriptionMail(UUID recipientId, UUID id, String subscriptionId, long version) {
		return this.jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM deliveries
				               WHERE recipient_id = ? AND id <> ? AND status IN ('QUEUED', 'SENDING', 'SENT')
				                 AND payload ->> 'subscriptionId' = ?
				                 AND CAST(payload ->> 'subscriptionVersion' AS bigint) > ?)""")
			.params(recipientId, id, subscriptionId, version)
			.query(Boolean.class)
			.single();
	}

	/**
	 * Queues a terms version's mail for every subscriber live now who has not agreed to
	 * it, in one statement; a subscriber already queued for this version is skipped. Who
	 * has not: a subscriber whose accepted version is known, if this one is newer
	 * (whenever it changed: the consumer may have been shown the old terms and activated
	 * after the change); one without, if live already when it changed (one who subscribed
	 * later agreed to these terms, as far as anyone can tell).
	 * @return how many were queued
	 */
	public int enqueueTermsChange(UUID productId, int termsVersion) {
		lockTerms(productId);
		return enqueueTerms("t.product_id = ? AND t.terms_version = ?", productId, termsVersion);
	}

	/**
	 * Queues the terms versions of the subscription's product that are due to it (as
	 * {@link #enqueueTermsChange}) but were processed before mail-service knew it live or
	 * knew the version it accepted (its event came later).
	 * @return how many were queued
	 */
	public int enqueueMissedTerms(UUID productId, UUID subscriptionId) {
		lockTerms(productId);
		return enqueueTerms("s.subscription_id = ?", subscriptionId);
	}

	/**
	 * A terms change and a subscription event of one product are consumed from different
	 * queues, perhaps at once, and each reads what the other wrote: one must wait for the
	 * other's commit. Taken after the caller's write and before the read, whose statement
	 * snapshot then includes that commit (READ COMMITTED).
	 */
	private void lockTerms(UUID productId) {
		this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(CAST(? AS text), 0))")
			.param(productId)
			.query((rs, n) -> 1)
			.list();
	}

	private int enqueueTerms(String which, Object... params) {
		// Source key and payload as every terms mail has them: product:version, and what
		// the sender reads the stored text by.
		return this.jdbc
			.sql("""
					WITH recipients AS (
					    SELECT user_id, product_id, terms_version, gen_random_uuid() AS id
					    FROM (SELECT DISTINCT s.user_id, t.product_id, t.terms_version
					          FROM terms_versions t JOIN mail_subscriptions s ON s.product_id = t.product_id
					          WHERE s.live AND %s
					            AND CASE WHEN s.accepted_terms_version IS NOT NULL
					                     THEN t.terms_version > s.accepted_terms_version
					                     ELSE s.live_since < t.changed_at END) due)
					INSERT INTO deliveries (id, kind, source_key, recipient_id, payload, priority, status, message_id)
					SELECT id, 'TERMS_CHANGED', product_id || ':' || terms_version, user_id,
					    jsonb_build_object('productId', product_id, 'termsVersion', terms_version), %d, 'QUEUED',
					    '<' || id || '@%s>'
					FROM recipients
					ON CONFLICT (kind, source_key, recipient_id) DO NOTHING""".formatted(which,
					MailKind.TERMS_CHANGED.priority(), MESSAGE_ID_DOMAIN))
			.params(params)
			.update();
	}

	/**
	 * Claims up to {@code limit} deliveries due now, transactional mail first: QUEUED
	 * ones whose time has come, and SENDING ones whose sender did not finish within its
	 * lease (it died). Each gets a lease and this claim's token, which every later change
	 * of the row must name; rows other senders hold are skipped.
	 */
	List<Delivery> claim(int limit, Duration lease) {
		// Only kinds this code can write: during a rolling update, or after a rollback, a
		// newer release's mail waits for an instance that knows it instead of failing the
		// batch it was claimed with.
		// The rows are picked once, in a materialized CTE: as "WHERE id IN (SELECT ...
		// LIMIT n SKIP LOCKED)" PostgreSQL may run the subquery more than once and claim
		// more than n (a batch of 50 claimed 77-84 in SendingIntegrationTests).
		return this.jdbc.sql("""
				WITH due AS MATERIALIZED (
				    SELECT id FROM deliveries
				    WHERE ((status = 'QUEUED' AND next_attempt_at <= now())
				           OR (status = 'SENDING' AND lease_until < now()))
				      AND kind = ANY(?)
				    ORDER BY priority, next_attempt_at
				    LIMIT ? FOR UPDATE SKIP LOCKED)
				UPDATE deliveries d SET status = 'SENDING', claim = ?, lease_until = now() + make_interval(secs => ?)
				FROM due WHERE d.id = due.id
				RETURNING d.*""")
			.params(KNOWN_KINDS, limit, UUID.randomUUID(), seconds(lease))
			.query(Deliveries::map)
			.list();
	}

	/**
	 * Extends the lease of rows still held under {@code claim}, while their sender is
	 * still at work.
	 * @return the rows the claim still holds (the others were recorded, or taken by
	 * another sender after the lease ran out)
	 */
	Set<UUID> extendLease(UUID claim, Collection<UUID> ids, Duration lease) {
		return Set.copyOf(this.jdbc.sql("""
				UPDATE deliveries SET lease_until = now() + make_interval(secs => ?)
				WHERE id = ANY(?) AND status = 'SENDING' AND claim = ?
				RETURNING id""").params(seconds(lease), ids.toArray(UUID[]::new), claim).query(UUID.class).list());
	}

	/**
	 * Records deliveries the SMTP server accepted, with the address each went to; rows no
	 * longer held under {@code claim} are left alone.
	 * @return the rows recorded SENT
	 */
	Set<UUID> sent(UUID claim, Map<UUID, String> emails) {
		if (emails.isEmpty()) {
			return Set.of();
		}
		List<UUID> ids = List.copyOf(emails.keySet());
		List<Object[]> rows = ids.stream().map((id) -> new Object[] { emails.get(id), id, claim }).toList();
		int[] updated = this.jdbcTemplate.batchUpdate("""
				UPDATE deliveries SET status = 'SENT', sent_at = now(), email = ?, attempts = attempts + 1,
				    lease_until = NULL, claim = NULL, last_error = NULL, waiting_since = NULL
				WHERE id = ? AND status = 'SENDING' AND claim = ?""", rows);
		Set<UUID> recorded = new HashSet<>();
		for (int i = 0; i < updated.length; i++) {
			if (updated[i] > 0) {
				recorded.add(ids.get(i));
			}
		}
		return recorded;
	}

	/**
	 * Records a delivery the SMTP server accepted whose address the log would not take
	 * (its write violated a constraint): SENT all the same, without the address, and
	 * {@code error} says why.
	 * @return whether the row was recorded (the claim still held it)
	 */
	boolean sentWithoutAddress(UUID claim, UUID id, String error) {
		return this.jdbc.sql("""
				UPDATE deliveries SET status = 'SENT', sent_at = now(), email = NULL, attempts = attempts + 1,
				    lease_until = NULL, claim = NULL, last_error = ?, waiting_since = NULL
				WHERE id = ? AND status = 'SENDING' AND claim = ?""").params(truncate(error), id, claim).update() == 1;
	}

	/**
	 * Puts deliveries back unsent and uncounted: the SMTP server could not be reached,
	 * which says nothing about the mails themselves.
	 */
	void release(UUID claim, List<UUID> ids, String error) {
		if (ids.isEmpty()) {
			return;
		}
		this.jdbc.sql("""
				UPDATE deliveries SET status = 'QUEUED', lease_until = NULL, claim = NULL, last_error = ?,
				    waiting_since = NULL
				WHERE id = ANY(?) AND status = 'SENDING' AND claim = ?""")
			.params(truncate(error), ids.toArray(UUID[]::new), claim)
			.update();
	}

	void retryLater(Delivery delivery, String error, Duration after) {
		this.jdbc.sql("""
				UPDATE deliveries SET status = 'QUEUED', attempts = attempts + 1, last_error = ?, lease_until = NULL,
				    claim = NULL, next_attempt_at = now() + make_interval(secs => ?), waiting_since = NULL
				WHERE id = ? AND status = 'SENDING' AND claim = ?""")
			.params(truncate(error), seconds(after), delivery.id(), delivery.claim())
			.update();
	}

	/**
	 * Puts a delivery back uncounted because a projection it needs is not there yet (its
	 * event is late): nothing was tried. The first such wait sets {@code waiting_since},
	 * which the wait's own budget is measured from.
	 */
	void waitForProjection(Delivery delivery, String error, Duration after) {
		this.jdbc.sql("""
				UPDATE deliveries SET status = 'QUEUED', last_error = ?, lease_until = NULL, claim = NULL,
				    next_attempt_at = now() + make_interval(secs => ?), waiting_since = coalesce(waiting_since, now())
				WHERE id = ? AND status = 'SENDING' AND claim = ?""")
			.params(truncate(error), seconds(after), delivery.id(), delivery.claim())
			.update();
	}

	/**
	 * Drops a claimed delivery unsent and uncounted: what it says is no longer true (a
	 * cancel the subscriber withdrew since), and sent late it would be their last word.
	 * {@code reason} goes where errors go.
	 */
	void superseded(Delivery delivery, String reason) {
		this.jdbc.sql("""
				UPDATE deliveries SET status = 'SUPERSEDED', last_error = ?, lease_until = NULL, claim = NULL,
				    waiting_since = NULL
				WHERE id = ? AND status = 'SENDING' AND claim = ?""")
			.params(truncate(reason), delivery.id(), delivery.claim())
			.update();
	}

	/** Gives a delivery up after an attempt (a 5xx reply, the last of its attempts). */
	void failed(Delivery delivery, String error) {
		failed(delivery, error, 1);
	}

	/**
	 * Gives a delivery up without an attempt: the projection it waited for did not come
	 * within its budget.
	 */
	void failedWaiting(Delivery delivery, String error) {
		failed(delivery, error, 0);
	}

	private void failed(Delivery delivery, String error, int attempts) {
		this.jdbc.sql("""
				UPDATE deliveries SET status = 'FAILED', attempts = attempts + ?, last_error = ?, lease_until = NULL,
				    claim = NULL, waiting_since = NULL
				WHERE id = ? AND status = 'SENDING' AND claim = ?""")
			.params(attempts, truncate(error), delivery.id(), delivery.claim())
			.update();
	}

	/** The log for one recipient (operators: "did user X get terms v3?"). */
	List<Delivery> find(UUID recipientId, String email, MailKind kind, int limit) {
		return this.jdbc.sql("""
				SELECT d.* FROM deliveries d
				WHERE (CAST(:recipient AS uuid) IS NULL OR d.recipient_id = :recipient)
				  AND (CAST(:email AS text) IS NULL OR d.recipient_id IN
				       (SELECT user_id FROM mail_users WHERE lower(email) = lower(:email))
				       OR lower(d.email) IN (lower(:email), lower(:sentTo)))
				  AND (CAST(:kind AS text) IS NULL OR d.kind = :kind) AND d.kind = ANY(:known)
				ORDER BY d.created_at DESC LIMIT :limit""")
			.param("recipient", recipientId)
			.param("email", email)
			// An internationalized domain went out in its ASCII form.
			.param("sentTo", sentTo(email))
			.param("kind", (kind != null) ? kind.name() : null)
			.param("known", KNOWN_KINDS)
			.param("limit", limit)
			.query(Deliveries::map)
			.list();
	}

	/**
	 * Mail not sent yet (QUEUED or SENDING), over all instances, and how much of it waits
	 * for a projection.
	 */
	Backlog backlog() {
		return this.jdbc.sql("""
				SELECT count(*) AS pending, count(waiting_since) AS waiting,
				    coalesce(extract(epoch FROM now() - min(waiting_since)), 0) AS longest_wait
				FROM deliveries WHERE status IN ('QUEUED', 'SENDING')""")
			.query((rs, n) -> new Backlog(rs.getLong("pending"), rs.getLong("waiting"), rs.getDouble("longest_wait")))
			.single();
	}

	/** Mail given up on (FAILED), over all instances. */
	long countFailed() {
		return this.jdbc.sql("SELECT count(*) FROM deliveries WHERE status = 'FAILED'").query(Long.class).single();
	}

	private static String sentTo(String email) {
		try {
			return (email != null) ? Addresses.ascii(email) : null;
		}
		catch (AddressException ex) {
			return email;
		}
	}

	static String messageId(UUID id) {
		return "<" + id + "@" + MESSAGE_ID_DOMAIN + ">";
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	private static String truncate(String error) {
		return (error == null || error.length() <= 2000) ? error : error.substring(0, 2000);
	}

	private static Delivery map(ResultSet rs, int row) throws SQLException {
		OffsetDateTime sentAt = rs.getObject("sent_at", OffsetDateTime.class);
		return new Delivery(rs.getObject("id", UUID.class), MailKind.valueOf(rs.getString("kind")),
				rs.getString("source_key"), rs.getObject("recipient_id", UUID.class), rs.getString("payload"),
				rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"), rs.getString("message_id"),
				rs.getString("email"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
				(sentAt != null) ? sentAt.toInstant() : null, rs.getObject("claim", UUID.class),
				instant(rs.getObject("waiting_since", OffsetDateTime.class)));
	}

	private static Instant instant(OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * The unsent part of the log.
	 *
	 * @param pending queued or being sent
	 * @param waiting of those, waiting for a projection (a late user.*, product.* or
	 * payment.failed event)
	 * @param longestWait how long the one waiting longest has waited, in seconds (0:
	 * none)
	 */
	record Backlog(long pending, long waiting, double longestWait) {
	}

	/**
	 * One row of the log.
	 *
	 * @param payload the mail's variables, as JSON
	 * @param email where it went (set when sent)
	 * @param claim the token of the sender holding it (while SENDING)
	 * @param waitingSince since when it has waited for a projection it needs
	 * ({@code null}: it is not waiting)
	 */
	public record Delivery(UUID id, MailKind kind, String sourceKey, UUID recipientId, String payload, String status,
			int attempts, String lastError, String messageId, String email, Instant createdAt, Instant sentAt,
			UUID claim, Instant waitingSince) {

		/** The payload as a mutable map. */
		public Map<String, Object> variables() {
			return PAYLOAD_JSON.readValue(this.payload, PAYLOAD);
		}

	}

}
