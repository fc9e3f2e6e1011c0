package com.moa.seller.product;

import java.net.URI;
import java.util.UUID;

import com.moa.platform.web.PageQuery;
import com.moa.platform.web.PageResponse;
import com.moa.seller.caller.Seller;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The seller's product API (API.md "Seller"). Responses carry the version as
 * {@code ETag}; changes honour {@code If-Match}.
 */
@RestController
@RequestMapping("/api/seller/products")
class SellerProductController {

	private final SellerProducts products;

	SellerProductController(SellerProducts products) {
		this.products = products;
	}

	@PostMapping
	ResponseEntity<SellerProduct> create(Seller seller, @Valid @RequestBody ProductRequest request) {
		Product product = this.products.create(seller, request);
		URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
			.path("/{id}")
			.buildAndExpand(product.id())
			.toUri();
		return ResponseEntity.created(location).eTag(etag(product)).body(SellerProduct.of(product));
	}

	@GetMapping
	PageResponse<SellerProduct> list(Seller seller, @Valid PageQuery page,
			@RequestParam(required = false) ProductStatus status) {
		return this.products.list(seller, status, page).map(SellerProduct::of);
	}

	@GetMapping("/{id}")
	ResponseEntity<SellerProduct> get(Seller seller, @PathVariable UUID id) {
		return ok(this.products.get(seller, id));
	}

	@PutMapping("/{id}")
	ResponseEntity<SellerProduct> update(Seller seller, @PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@Valid @RequestBody ProductRequest request) {
		return ok(this.products.update(seller, id, ifMatch, request));
	}

	@PostMapping("/{id}/publish")
	ResponseEntity<SellerProduct> publish(Seller seller, @PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
		return ok(this.products.publish(seller, id, ifMatch));
	}

	@PostMapping("/{id}/unpublish")
	ResponseEntity<SellerProduct> unpublish(Seller seller, @PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
		return ok(this.products.unpublish(seller, id, ifMatch));
	}

	@PutMapping("/{id}/terms")
	ResponseEntity<TermsVersionResponse> changeTerms(Seller seller, @PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@Valid @RequestBody TermsRequest request) {
		Product product = this.products.changeTerms(seller, id, ifMatch, request);
		return ResponseEntity.ok().eTag(etag(product)).body(new TermsVersionResponse(product.termsVersion()));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(Seller seller, @PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
		this.products.delete(seller, id, ifMatch);
		return ResponseEntity.noContent().build();
	}

	private static ResponseEntity<SellerProduct> ok(Product product) {
		return ResponseEntity.ok().eTag(etag(product)).body(SellerProduct.of(product));
	}

	private static String etag(Product product) {
		return "\"" + product.version() + "\"";
	}

}
