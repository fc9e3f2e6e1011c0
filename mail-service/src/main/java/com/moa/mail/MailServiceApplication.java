package com.moa.mail;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * mail-service: transactional and terms-change mail to the people other services' events
 * name, exactly once per recipient, with the delivery log as proof.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class MailServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(MailServiceApplication.class, args);
	}

}
