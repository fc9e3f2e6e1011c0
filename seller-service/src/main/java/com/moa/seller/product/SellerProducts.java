package com.moa.seller.product;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.moa.platform.events.EventPublisher;
import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.PageQuery;
import com.moa.platform.web.PageResponse;
import com.moa.seller.caller.Seller;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A seller's product use cases. Every change increments the product's version, is written
 * only if nobody changed the product meanwhile, and stores its events in the outbox in
 * the same transaction.
 */
@Service
class SellerProducts {

	private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	private final ProductRepository products;

	private final EventPublisher events;

	private final Clock clock;

	private final SellerNames names;

	SellerProducts(ProductRepository products, EventPublisher events, Clock clock, SellerNames names) {
		this.products = products;
		this.events = events;
		this.clock = clock;
		this.names = names;
	}

	/** The name products are published under: the seller's account name, if known yet. */
	private String sellerName(Seller seller) {
		return this.names.nameOf(seller.id()).orElse(seller.name());
	}

	/** Republishes the seller's products that do not carry this name yet. */
	@Transactional
	void renameSeller(UUID sellerId, String name) {
		Instant now = now();
		for (Product product : this.products.findAllOfSeller(sellerId)) {
			if (name.equals(product.sellerName())) {
				continue;
			}
			Product next = product.nextVersion(name, now);
			save(next, product.version());
			publishUpserted(next);
		}
	}

	@Transactional
	Product create(Seller seller, ProductRequest request) {
		Instant now = now();
		Product product = new Product(UUID.randomUUID(), seller.id(), sellerName(seller), request.title(),
				request.description(), request.category(), request.imageUrl(), plans(request.plans(), List.of()),
				request.terms(), 1, ProductStatus.DRAFT, 1, now, now, null);
		this.products.insert(product);
		publishUpserted(product);
		return product;
	}

	@Transactional(readOnly = true)
	PageResponse<Product> list(Seller seller, ProductStatus status, PageQuery page) {
		if (status == ProductStatus.DELETED) {
			throw new InvalidStatusFilterException();
		}
		List<Product> content = this.products.findPage(seller.id(), status, page.offset(), page.sizeOrDefault());
		long total = this.products.count(seller.id(), status);
		return PageResponse.of(content, page.pageOrDefault(), page.sizeOrDefault(), total);
	}

	@Transactional(readOnly = true)
	Product get(Seller seller, UUID id) {
		return find(seller, id);
	}

	@Transactional
	Product update(Seller seller, UUID id, String ifMatch, ProductRequest request) {
		return change(seller, id, ifMatch, (product) -> product.withContent(request.title(), request.description(),
				request.category(), request.imageUrl(), plans(request.plans(), product.plans()), request.terms()),
				null);
	}

	@Transactional
	Product publish(Seller seller, UUID id, String ifMatch) {
		return change(seller, id, ifMatch, (product) -> product.withStatus(ProductStatus.PUBLISHED, now()), null);
	}

	/**
	 * A draft was never in the catalog: unpublishing it leaves it a draft (no change).
	 */
	@Transactional
	Product unpublish(Seller seller, UUID id, String ifMatch) {
		return change(seller, id, ifMatch, (product) -> (product.status() == ProductStatus.DRAFT) ? product
				: product.withStatus(ProductStatus.UNPUBLISHED, now()), null);
	}

	@Transactional
	Product changeTerms(Seller seller, UUID id, String ifMatch, TermsRequest request) {
		Instant effectiveAt = request.effectiveAt();
		// Subscribers are mailed the date: terms cannot take effect before they hear of
		// them (a few minutes' grace for the client's clock), nor after year 9999.
		if (effectiveAt != null && (effectiveAt.isBefore(now().minus(CLOCK_SKEW)) || effectiveAt.isAfter(LATEST))) {
			throw new InvalidInputException(
					List.of(new FieldError("effectiveAt", "must be now or later (and before the year 10000)")));
		}
		return change(seller, id, ifMatch, (product) -> product.withTerms(request.terms()), effectiveAt);
	}

	@Transactional
	void delete(Seller seller, UUID id, String ifMatch) {
		Product deleted = write(seller, id, ifMatch, (product) -> product.withStatus(ProductStatus.DELETED, now()))
			.next();
		this.events.publish(ProductRemoved.TYPE, id.toString(), new ProductRemoved(id, deleted.version()));
	}

	/**
	 * Applies a change and publishes the product; an unchanged product is neither written
	 * nor published again.
	 */
	private Product change(Seller seller, UUID id, String ifMatch, UnaryOperator<Product> mutation,
			Instant termsEffectiveAt) {
		Write write = write(seller, id, ifMatch, mutation);
		Product current = write.current();
		Product next = write.next();
		if (next == current) {
			return current;
		}
		publishUpserted(next);
		if (next.termsVersion() != current.termsVersion()) {
			this.events.publish(ProductTermsChanged.TYPE, id.toString(),
					new ProductTermsChanged(id, next.title(), next.termsVersion(), next.terms(),
							(termsEffectiveAt != null) ? termsEffectiveAt : next.updatedAt()));
		}
		return next;
	}

	/**
	 * Writes the mutated product as its next version unless the mutation changes nothing
	 * ({@code next} is then {@code current}).
	 */
	private Write write(Seller seller, UUID id, String ifMatch, UnaryOperator<Product> mutation) {
		// Read once: the lock it takes keeps the name unchanged until commit.
		String sellerName = sellerName(seller);
		for (int attempt = 1;; attempt++) {
			Product current = find(seller, id);
			IfMatch.check(ifMatch, current.version());
			Product changed = mutation.apply(current);
			if (changed.equals(current)) {
				return new Write(current, current);
			}
			Product next = changed.nextVersion(sellerName, now());
			if (this.products.update(next, current.version())) {
				return new Write(current, next);
			}
			// A concurrent change is reread: with If-Match the client's version is now
			// stale, a 412 at the check above; without it (or with *) the change applies
			// to what is current.
			if (attempt == 3) {
				throw new ConcurrentChangeException(id);
			}
		}
	}

	private void save(Product product, long expectedVersion) {
		if (!this.products.update(product, expectedVersion)) {
			throw new ConcurrentChangeException(product.id());
		}
	}

	private Product find(Seller seller, UUID id) {
		return this.products.findOwned(id, seller.id()).orElseThrow(() -> new ProductNotFoundException(id));
	}

	private void publishUpserted(Product product) {
		this.events.publish(ProductUpserted.TYPE, product.id().toString(), ProductUpserted.of(product));
	}

	/**
	 * Turns requested plans into stored ones. A plan keeps its id (which subscriptions
	 * refer to) when the request names it, or else when an existing plan has the same
	 * name; every other plan gets a new id. Only with its billing period: a monthly plan
	 * made yearly is another plan (under the old id, payment-service's catalog would show
	 * its monthly subscribers a yearly plan as theirs, and refuse them a change to it as
	 * "the current plan"; they keep theirs as bought).
	 */
	private static List<Plan> plans(List<PlanRequest> requested, List<Plan> existing) {
		// Ids the request names are reserved first: an id-less plan earlier in the list
		// must not take by its name the id that a later plan names.
		Set<UUID> reserved = new HashSet<>();
		for (PlanRequest plan : requested) {
			if (plan.id() != null && existing.stream()
				.anyMatch((old) -> old.id().equals(plan.id()) && old.billingPeriod() == plan.billingPeriod())) {
				reserved.add(plan.id());
			}
		}
		Set<UUID> assigned = new HashSet<>();
		List<Plan> plans = new ArrayList<>();
		for (PlanRequest plan : requested) {
			UUID id;
			if (plan.id() != null) {
				// The same id sent twice keeps it once; the copy is a new plan.
				id = (reserved.contains(plan.id()) && assigned.add(plan.id())) ? plan.id() : UUID.randomUUID();
			}
			else {
				id = existing.stream()
					.filter((old) -> old.name().equals(plan.name()) && old.billingPeriod() == plan.billingPeriod())
					.map(Plan::id)
					.filter((old) -> !reserved.contains(old) && !assigned.contains(old))
					.findFirst()
					.orElseGet(UUID::randomUUID);
				assigned.add(id);
			}
			plans.add(new Plan(id, plan.name(), plan.billingPeriod(), plan.price(), Plan.CURRENCY));
		}
		return plans;
	}

	/** Now, at the precision PostgreSQL stores, so responses equal what is read back. */
	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** A product as read and as written by one change. */
	private record Write(Product current, Product next) {
	}

}
