package com.moa.chat;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * chat-service: 1:1 rooms between a consumer and a seller, messages kept in MongoDB with
 * a gap-free sequence per room, delivered in real time over STOMP through RabbitMQ's
 * STOMP plugin, whichever instance each participant is connected to.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ChatServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(ChatServiceApplication.class, args);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
