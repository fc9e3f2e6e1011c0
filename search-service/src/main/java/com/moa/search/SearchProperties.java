package com.moa.search;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of search-service ({@code moa.search.*}).
 *
 * @param historySize keywords kept per user (API.md: 50)
 * @param popularCache how long a popular-keywords answer is reused
 * @param suggestionCache how long a suggestions answer is reused
 * @param retention how long hourly counters, processed-event records and history deletion
 * marks are kept (longer than the widest window, 7 days); a search older than this is
 * dropped, since no delete it may have preceded is remembered
 * @param mongoTimeout how long a request waits for MongoDB before answering 503
 * @param popularMinSearchers how many distinct users must have searched a keyword in a
 * window before it is shown publicly (popular keywords, suggestions): one person's phone
 * number or a friend's name never is
 * @param searcherKey the HMAC key of the searcher digests kept to count distinct users (a
 * secret: without it, a database reader holding user ids cannot test them)
 */
@Validated
@ConfigurationProperties("moa.search")
public record SearchProperties(@DefaultValue("50") @Min(1) int historySize, @DefaultValue("5s") Duration popularCache,
		@DefaultValue("10s") Duration suggestionCache, @DefaultValue("8d") Duration retention,
		@DefaultValue("2s") Duration mongoTimeout, @DefaultValue("3") @Min(1) int popularMinSearchers,
		@NotBlank String searcherKey) {
}
