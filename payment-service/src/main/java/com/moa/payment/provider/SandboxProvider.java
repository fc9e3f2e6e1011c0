package com.moa.payment.provider;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.moa.payment.PaymentProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The built-in provider for development and tests; the token decides (API.md):
 * {@code tok_ok} succeeds, {@code tok_declined} and {@code tok_insufficient_funds} are
 * declined, {@code tok_error} is unavailable. It remembers each charge by idempotency key
 * in {@code sandbox_charges}, in its own transaction (as a provider does on its side), so
 * a second charge with the key answers the first outcome and the reconciler can ask what
 * happened. Latency is configurable, so benchmarks see a provider that takes time.
 */
@Component
class SandboxProvider implements PaymentProvider {

	private static final Map<String, ChargeResult> OUTCOMES = Map.of("tok_ok", ChargeResult.SUCCEEDED, "tok_declined",
			ChargeResult.declined("card-declined"), "tok_insufficient_funds",
			ChargeResult.declined("insufficient-funds"), "tok_error", ChargeResult.UNAVAILABLE);

	// No payment-method token is empty (the API refuses one): the mark of a void.
	private static final String VOID_TOKEN = "";

	private final JdbcClient jdbc;

	private final Duration latency;

	SandboxProvider(JdbcClient jdbc, PaymentProperties properties) {
		this.jdbc = jdbc;
		this.latency = properties.sandbox().latency();
	}

	@Override
	public boolean accepts(String token) {
		return OUTCOMES.containsKey(token);
	}

	@Override
	public ChargeResult charge(UUID idempotencyKey, String token, long amount, String currency) {
		pause();
		ChargeResult outcome = OUTCOMES.getOrDefault(token, ChargeResult.declined("card-declined"));
		if (outcome.outcome() == ChargeResult.Outcome.UNAVAILABLE) {
			// Down: nothing is charged, nothing remembered; the same key may be tried
			// again.
			return outcome;
		}
		this.jdbc
			.sql("INSERT INTO sandbox_charges (idempotency_key, token, amount, currency, outcome, reason) "
					+ "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")
			.params(idempotencyKey, token, amount, currency, outcome.outcome().name(), outcome.reason())
			.update();
		return find(idempotencyKey).orElseThrow();
	}

	/**
	 * Records the key as void unless a charge holds it: the key is the primary key, so
	 * whichever of the two is recorded first decides. A void reads as a plain
	 * {@link ChargeResult#UNAVAILABLE} to {@link #find} and to a later {@link #charge}
	 * (whoever settles from it settles "nothing charged"); only its token tells it apart.
	 */
	@Override
	public Optional<ChargeResult> voidUnlessCharged(UUID idempotencyKey) {
		this.jdbc
			.sql("INSERT INTO sandbox_charges (idempotency_key, token, amount, currency, outcome, reason) "
					+ "VALUES (?, ?, 0, 'XXX', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")
			.params(idempotencyKey, VOID_TOKEN, ChargeResult.UNAVAILABLE.outcome().name(),
					ChargeResult.UNAVAILABLE.reason())
			.update();
		return this.jdbc.sql("SELECT token, outcome, reason FROM sandbox_charges WHERE idempotency_key = ?")
			.param(idempotencyKey)
			.query((rs, n) -> VOID_TOKEN.equals(rs.getString("token")) ? Optional.<ChargeResult>empty()
					: Optional.of(result(rs)))
			.single();
	}

	@Override
	public Optional<ChargeResult> find(UUID idempotencyKey) {
		return this.jdbc.sql("SELECT outcome, reason FROM sandbox_charges WHERE idempotency_key = ?")
			.param(idempotencyKey)
			.query((rs, n) -> result(rs))
			.optional();
	}

	private static ChargeResult result(ResultSet rs) throws SQLException {
		return new ChargeResult(ChargeResult.Outcome.valueOf(rs.getString("outcome")), rs.getString("reason"));
	}

	private void pause() {
		if (!this.latency.isZero()) {
			try {
				Thread.sleep(this.latency.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
