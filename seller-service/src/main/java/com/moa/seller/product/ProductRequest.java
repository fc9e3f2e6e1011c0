package com.moa.seller.product;

import java.util.List;

import com.moa.platform.web.MultiLineText;
import com.moa.platform.web.TextRules;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/seller/products} and {@code PUT
 * /api/seller/products/{id}}.
 */
record ProductRequest(
		@VisibleText @Size(max = 100) @Pattern(regexp = TextRules.NO_BIDI_CONTROLS,
				message = "must not contain bidirectional control characters") String title,
		@NotNull @Size(max = 5000) @MultiLineText String description, @NotNull Category category,
		@Size(max = 2048) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String imageUrl,
		@NotEmpty @Size(max = 20) List<@Valid @NotNull PlanRequest> plans,
		@VisibleText @Size(max = 20000) @MultiLineText String terms) {
}
