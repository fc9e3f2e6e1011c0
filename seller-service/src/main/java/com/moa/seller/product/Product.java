package com.moa.seller.product;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A seller's product as stored; never leaves the service as is (see {@link SellerProduct}
 * and the event records).
 */
record Product(UUID id, UUID sellerId, String sellerName, String title, String description, Category category,
		String imageUrl, List<Plan> plans, String terms, int termsVersion, ProductStatus status, long version,
		Instant createdAt, Instant updatedAt, Instant publishedAt) {

	Product {
		plans = List.copyOf(plans);
	}

	Product withContent(String title, String description, Category category, String imageUrl, List<Plan> plans,
			String terms) {
		// Line endings aside: a browser's text area sends plain line feeds for terms an
		// API
		// client wrote with CRLF, and a new version mails every subscriber. The text they
		// were sent stays as it was.
		boolean termsChanged = !withLineFeeds(this.terms).equals(withLineFeeds(terms));
		return new Product(this.id, this.sellerId, this.sellerName, title, description, category, imageUrl, plans,
				termsChanged ? terms : this.terms, termsChanged ? this.termsVersion + 1 : this.termsVersion,
				this.status, this.version, this.createdAt, this.updatedAt, this.publishedAt);
	}

	private static String withLineFeeds(String text) {
		return text.replace("\r\n", "\n").replace('\r', '\n');
	}

	Product withTerms(String terms) {
		return withContent(this.title, this.description, this.category, this.imageUrl, this.plans, terms);
	}

	Product withStatus(ProductStatus status, Instant now) {
		Instant published = (status == ProductStatus.PUBLISHED && this.publishedAt == null) ? now : this.publishedAt;
		return new Product(this.id, this.sellerId, this.sellerName, this.title, this.description, this.category,
				this.imageUrl, this.plans, this.terms, this.termsVersion, status, this.version, this.createdAt,
				this.updatedAt, published);
	}

	/** The next stored version of this product, changed by the given seller at now. */
	Product nextVersion(String sellerName, Instant now) {
		return new Product(this.id, this.sellerId, (sellerName != null) ? sellerName : this.sellerName, this.title,
				this.description, this.category, this.imageUrl, this.plans, this.terms, this.termsVersion, this.status,
				this.version + 1, this.createdAt, now, this.publishedAt);
	}

}
