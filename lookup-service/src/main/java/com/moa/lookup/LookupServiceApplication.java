package com.moa.lookup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * lookup-service: the public catalog, a read model fed by seller-service's product
 * events.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LookupServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(LookupServiceApplication.class, args);
	}

}
