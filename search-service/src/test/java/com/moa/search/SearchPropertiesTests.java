package com.moa.search;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code moa.search.*} binding: the distinct users a keyword needs before it is public
 * default to 3, and fewer than one is refused at startup (0 would publish every keyword);
 * so is a blank searcher key.
 */
class SearchPropertiesTests {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class)
		.withPropertyValues("moa.search.searcher-key=test-key");

	@Test
	void aKeywordNeedsThreeDistinctSearchersByDefault() {
		this.contexts
			.run((context) -> assertThat(context.getBean(SearchProperties.class).popularMinSearchers()).isEqualTo(3));
	}

	@Test
	void refusesFewerThanOneSearcher() {
		this.contexts.withPropertyValues("moa.search.popular-min-searchers=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("popularMinSearchers"));
		this.contexts.withPropertyValues("moa.search.popular-min-searchers=5")
			.run((context) -> assertThat(context.getBean(SearchProperties.class).popularMinSearchers()).isEqualTo(5));
	}

	@Test
	void refusesToStartWithoutASearcherKey() {
		this.contexts.withPropertyValues("moa.search.searcher-key=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("searcherKey"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SearchProperties.class)
	static class Properties {

	}

}
