package com.moa.platform.web;

import java.util.List;
import java.util.function.Function;

/**
 * One page of an offset-paged listing, in the shape API.md promises to clients.
 */
public record PageResponse<T>(List<T> content, int page, int size, long totalElements, int totalPages) {

	public static <T> PageResponse<T> of(List<T> content, int page, int size, long totalElements) {
		int totalPages = (size == 0) ? 0 : (int) ((totalElements + size - 1) / size);
		return new PageResponse<>(List.copyOf(content), page, size, totalElements, totalPages);
	}

	public <R> PageResponse<R> map(Function<? super T, ? extends R> mapper) {
		List<R> mapped = this.content.stream().<R>map(mapper).toList();
		return new PageResponse<>(mapped, this.page, this.size, this.totalElements, this.totalPages);
	}

}
