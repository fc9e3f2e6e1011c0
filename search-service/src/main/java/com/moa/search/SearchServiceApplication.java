package com.moa.search;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * search-service: a signed-in user's search history, popular keywords and suggestions,
 * kept in MongoDB from lookup-service's {@code search.performed} and seller-service's
 * product events.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SearchServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(SearchServiceApplication.class, args);
	}

	/** Windows are measured on this clock (tests move it). */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
