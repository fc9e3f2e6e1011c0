package com.moa.gateway.ratelimit;

import io.lettuce.core.ClientOptions;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lettuce queues commands while it reconnects, by default until the command timeout: with
 * Redis gone, every rate-limit check waited the whole 500 ms before failing open (or
 * closed, for sign-in). Here a command fails at once while the connection is down, and
 * Lettuce still reconnects in the background.
 */
@Configuration(proxyBeanMethods = false)
class RedisClientConfiguration {

	@Bean
	LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

}
