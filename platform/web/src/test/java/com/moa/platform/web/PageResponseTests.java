package com.moa.platform.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PageResponseTests {

	@Test
	void computesTotalPagesRoundingUp() {
		assertThat(PageResponse.of(List.of(), 0, 20, 41).totalPages()).isEqualTo(3);
		assertThat(PageResponse.of(List.of(), 0, 20, 40).totalPages()).isEqualTo(2);
		assertThat(PageResponse.of(List.of(), 0, 20, 0).totalPages()).isZero();
	}

	@Test
	void mapKeepsPaging() {
		PageResponse<String> page = PageResponse.of(List.of(1, 2), 1, 2, 5).map(String::valueOf);
		assertThat(page.content()).containsExactly("1", "2");
		assertThat(page.page()).isEqualTo(1);
		assertThat(page.totalPages()).isEqualTo(3);
	}

}
