package com.moa.seller.product;

import java.util.Map;

import com.moa.platform.events.Backfill;
import com.moa.platform.events.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Republishes every product as its current event: {@code product.upserted} (full
 * snapshot) or, once deleted, {@code product.removed}, for a projection that starts late
 * or lost its data (lookup, payment, search; docs/operations.md). Projections apply a
 * snapshot only when its version is newer, so the ones that are up to date ignore it. One
 * transaction per batch of {@value #BATCH}; running it again is harmless.
 */
@Service
class ProductBackfill {

	static final int BATCH = 200;

	private static final Logger log = LoggerFactory.getLogger(ProductBackfill.class);

	private final ProductRepository products;

	private final EventPublisher events;

	private final TransactionTemplate transaction;

	ProductBackfill(ProductRepository products, EventPublisher events, TransactionTemplate transaction) {
		this.products = products;
		this.events = events;
		this.transaction = transaction;
	}

	int republishAll() {
		int published = Backfill.republishAll(this.transaction, this.products::findAfter, BATCH, Product::id,
				this::publish);
		log.info("Backfill: {} product snapshots written to the outbox", published);
		return published;
	}

	private void publish(Product product) {
		if (product.status() == ProductStatus.DELETED) {
			this.events.publish(ProductRemoved.TYPE, product.id().toString(),
					new ProductRemoved(product.id(), product.version()));
		}
		else {
			this.events.publish(ProductUpserted.TYPE, product.id().toString(), ProductUpserted.of(product));
		}
	}

	/** {@code POST /internal/backfill/products}: operators only (operator key). */
	@RestController
	static class Endpoint {

		private final ProductBackfill backfill;

		Endpoint(ProductBackfill backfill) {
			this.backfill = backfill;
		}

		@PostMapping("/internal/backfill/products")
		Map<String, Integer> backfill() {
			return Map.of("published", this.backfill.republishAll());
		}

	}

}
