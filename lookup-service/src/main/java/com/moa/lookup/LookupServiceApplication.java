package com.moa.lookup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * lookup-service: the public catalog, a read model fed by seller-service's product
 * events, with a Redis response cache and exact view counts.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LookupServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(LookupServiceApplication.class, args);
	}

}
