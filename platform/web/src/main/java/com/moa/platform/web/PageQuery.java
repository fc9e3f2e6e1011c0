package com.moa.platform.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Offset paging parameters bound from {@code ?page=&size=}; out-of-range values are a
 * 400.
 */
public record PageQuery(@Min(0) Integer page, @Min(1) @Max(100) Integer size) {

	public static final int DEFAULT_SIZE = 20;

	public int pageOrDefault() {
		return (this.page != null) ? this.page : 0;
	}

	public int sizeOrDefault() {
		return (this.size != null) ? this.size : DEFAULT_SIZE;
	}

	public long offset() {
		return (long) pageOrDefault() * sizeOrDefault();
	}

}
