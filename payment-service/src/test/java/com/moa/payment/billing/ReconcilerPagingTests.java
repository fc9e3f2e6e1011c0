package com.moa.payment.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import com.moa.payment.PaymentProperties;
import com.moa.payment.payment.Payment;
import com.moa.payment.payment.PaymentRepository;
import com.moa.payment.payment.PaymentStatus;
import com.moa.payment.provider.ChargeResult;
import com.moa.payment.provider.PaymentProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The reconciler pages through the stale charges as the database lists them (a fake
 * here): charges settled elsewhere while it works through a page leave the list and must
 * not make it pass over as many others.
 */
class ReconcilerPagingTests {

	private final List<Payment> stale = new ArrayList<>();

	private final PaymentRepository payments = mock(PaymentRepository.class);

	private final PaymentProvider provider = mock(PaymentProvider.class);

	private final Charging charging = mock(Charging.class);

	private final Reconciler reconciler = new Reconciler(this.payments, this.provider, this.charging, List.of(),
			new PaymentProperties(null, null, null, Duration.ofMinutes(2)));

	@Test
	void chargesSettledElsewhereMeanwhileDoNotMakeItSkipOthers() {
		IntStream.range(0, 150).forEach((i) -> this.stale.add(pending()));
		List<Payment> settledElsewhere = List.copyOf(this.stale.subList(1, 11));
		given(this.payments.pendingOlderThan(any(), anyInt(), anyInt())).willAnswer((call) -> {
			int skip = call.getArgument(1);
			int limit = call.getArgument(2);
			return List.copyOf(
					this.stale.subList(Math.min(skip, this.stale.size()), Math.min(skip + limit, this.stale.size())));
		});
		given(this.provider.find(any())).willReturn(Optional.of(ChargeResult.SUCCEEDED));
		given(this.charging.settle(any(), any())).willAnswer((call) -> {
			Payment payment = call.getArgument(0);
			this.stale.remove(payment);
			// Another instance settled these after this page was read.
			boolean byThisCall = !settledElsewhere.contains(payment);
			return new Charging.Settled(payment, null, ChargeResult.SUCCEEDED, byThisCall);
		});

		assertThat(this.reconciler.reconcile()).isEqualTo(140);
		assertThat(this.stale).isEmpty();
	}

	private static Payment pending() {
		return new Payment(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
				UUID.randomUUID(), 9900, "KRW", PaymentStatus.PENDING, Payment.RENEWAL, Instant.now(), 1, "tok_ok",
				UUID.randomUUID(), null, Instant.now());
	}

}
