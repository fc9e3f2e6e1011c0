package com.moa.bench.proto;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

/**
 * Bare Spring Cloud Gateway Server MVC: one route, the resource-server chain, nothing else;
 * meant to run on virtual threads (spring.threads.virtual.enabled, Java 21+).
 */
@SpringBootApplication
public class WebmvcProto {

	public static void main(String[] args) {
		SpringApplication.run(WebmvcProto.class, args);
	}

	@Bean
	RouterFunction<ServerResponse> routes(@Value("${upstream}") String upstream) {
		return route("lookup").route(path("/api/**"), http()).before(uri(upstream)).build();
	}

	@Bean
	SecurityFilterChain security(HttpSecurity http) throws Exception {
		return http.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session
				.sessionCreationPolicy(org.springframework.security.config.http.SessionCreationPolicy.STATELESS))
			.oauth2ResourceServer((oauth) -> oauth.jwt((jwt) -> {
			}))
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.build();
	}

}
