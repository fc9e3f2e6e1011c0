package com.moa.lookup.view;

import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineViewsTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final OfflineViews views = new OfflineViews(this.meters);

	private final UUID product = UUID.randomUUID();

	@Test
	void aBatchIsSentAgainUnchangedUntilConfirmedAndLaterViewsWaitForIt() {
		this.views.add(this.product);
		this.views.add(this.product);
		OfflineViews.Batch first = this.views.batches().get(0);
		assertThat(first.views()).isEqualTo(2);

		this.views.add(this.product);
		assertThat(this.views.batches()).containsExactly(first);
		assertThat(held()).isEqualTo(3);

		this.views.confirm(first);
		assertThat(this.views.batches()).singleElement().satisfies((next) -> {
			assertThat(next.id()).isNotEqualTo(first.id());
			assertThat(next.views()).isEqualTo(1);
		});
	}

	@Test
	void productsHaveBatchesOfTheirOwn() {
		UUID other = UUID.randomUUID();
		this.views.add(this.product);
		this.views.add(other);

		assertThat(this.views.batches()).extracting(OfflineViews.Batch::productId)
			.containsExactlyInAnyOrder(this.product, other);
		assertThat(held()).isEqualTo(2);
	}

	private double held() {
		return this.meters.get("lookup.views.held").gauge().value();
	}

}
