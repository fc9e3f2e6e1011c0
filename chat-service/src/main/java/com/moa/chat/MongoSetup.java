package com.moa.chat;

import java.util.concurrent.TimeUnit;

import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * MongoDB client timeouts: the driver's defaults wait 30 s for a server, so a request
 * would hang that long during an outage; here it gets its 503 within
 * {@code moa.chat.mongo-timeout}.
 */
@Configuration(proxyBeanMethods = false)
class MongoSetup {

	@Bean
	MongoClientSettingsBuilderCustomizer chatMongoTimeouts(ChatProperties properties) {
		long millis = properties.mongoTimeout().toMillis();
		return (settings) -> settings
			.applyToClusterSettings((cluster) -> cluster.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS))
			// A stalled (not refusing) server holds every pooled connection: a request
			// waits this long for one, not the driver's 2 minutes.
			.applyToConnectionPoolSettings((pool) -> pool.maxWaitTime(millis, TimeUnit.MILLISECONDS))
			.applyToSocketSettings((socket) -> socket.connectTimeout((int) millis, TimeUnit.MILLISECONDS)
				.readTimeout((int) (millis * 3), TimeUnit.MILLISECONDS));
	}

}
